package dev.quantumliquid.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quantumliquid.engine.EngineException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random mutations of a valid file must each parse or be refused with EngineException, never anything else. */
class SafeTensorsRobustnessTest {
    private static final long SEED = 20_240_601L;
    private static final int MUTATIONS = 2000;

    @Test
    void randomMutationsParseOrFailWithEngineExceptionOnly() {
        byte[] valid = SafeTensors.serialize(List.of(
                Tensor.f32("layer.weight", new int[] {3, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}),
                Tensor.f64("layer.bias", new int[] {3}, new double[] {0.5, -0.5, 1e-3}),
                Tensor.f32("scalar", new int[] {}, new float[] {42})), Map.of("format", "pt"));
        SplittableRandom rnd = new SplittableRandom(SEED);
        int parsed = 0;
        int refused = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] m = mutate(valid, rnd);
            try {
                TensorFile f = SafeTensors.parse("fuzz.safetensors", m);
                for (String n : f.names()) {
                    f.require(n).toDoubleArray(); // touching every parsed tensor must not fail either
                }
                parsed++;
            } catch (EngineException e) {
                assertThat(e.getMessage()).startsWith("fuzz.safetensors").doesNotContain("\n");
                refused++;
            } catch (RuntimeException | Error e) {
                fail("mutation " + i + " threw " + e + " for bytes " + HexFormat.of().formatHex(m), e);
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the parser.
        assertThat(parsed).isPositive();
        assertThat(refused).isPositive();
    }

    private static byte[] mutate(byte[] valid, SplittableRandom rnd) {
        byte[] b = valid.clone();
        int kinds = 1 + rnd.nextInt(3);
        for (int k = 0; k < kinds; k++) {
            switch (rnd.nextInt(7)) {
                case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // any byte
                case 1 -> b[rnd.nextInt(Math.min(b.length, 8 + 200))] ^= (byte) (1 << rnd.nextInt(8)); // header bit
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                case 3 -> { // a digit in the header becomes another digit (offsets, shapes)
                    int at = 8 + rnd.nextInt(Math.max(1, Math.min(b.length - 8, 200)));
                    if (at < b.length && b[at] >= '0' && b[at] <= '9') {
                        b[at] = (byte) ('0' + rnd.nextInt(10));
                    }
                }
                case 4 -> { // header length field lies
                    if (b.length >= 8) {
                        b[rnd.nextInt(8)] = (byte) rnd.nextInt(256);
                    }
                }
                case 5 -> { // insert junk bytes
                    int at = rnd.nextInt(b.length + 1);
                    byte[] junk = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(junk);
                    byte[] n = new byte[b.length + junk.length];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(junk, 0, n, at, junk.length);
                    System.arraycopy(b, at, n, at + junk.length, b.length - at);
                    b = n;
                }
                default -> { // JSON-significant characters in the header
                    if (b.length > 9) {
                        byte[] tokens = "{}[]\":,-0e.F".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        b[8 + rnd.nextInt(Math.min(b.length - 8, 200))] = tokens[rnd.nextInt(tokens.length)];
                    }
                }
            }
        }
        return b;
    }
}
