package dev.quantumliquid.engine.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the safetensors header semantically (byte-level fuzzing, {@link SafeTensorsJazzerTest},
 * rarely gets past the JSON): generated headers with hostile
 * dtypes, shapes, offsets, names and metadata, and lying header lengths, over a data section of
 * random length. Each must parse or be refused with a one-line EngineException naming the file,
 * quickly, without allocating what the header merely claims.
 */
class SafeTensorsHeaderFuzzTest {
    private static long dim(SplittableRandom r) {
        return r.nextInt(3) > 0 ? r.nextInt(9)
                : Fuzz.pick(r, -1L, 0L, 1L << 31, (1L << 31) - 1, 1L << 62, Long.MAX_VALUE, 4_000_000_000L, 1L << 32);
    }

    private static String text(SplittableRandom r, int max) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            b.append((char) (r.nextInt(4) == 0 ? r.nextInt(32) : 32 + r.nextInt(95)));
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c == '"' || c == '\\' || c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    static String header(SplittableRandom r) {
        List<String> entries = new ArrayList<>();
        int n = r.nextInt(6);
        long next = 0; // consistent entries lay their data end to end, so some headers are valid and get further
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                int k = r.nextInt(4);
                entries.add("\"t" + i + "\":{\"dtype\":\"F32\",\"shape\":[" + k + "],\"data_offsets\":[" + next + ","
                        + (next + 4L * k) + "]}");
                next += 4L * k;
                continue;
            }
            if (r.nextInt(4) == 0) {
                entries.add(Fuzz.pick(r, "\"__metadata__\":{\"format\":\"pt\"}", "\"__metadata__\":{\"a\":1}", "\"__metadata__\":[]",
                        "\"w\":null", "\"w\":{\"dtype\":\"F32\"}", "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}",
                        "\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}", "\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],"
                                + "\"data_offsets\":[0,4]}", "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}"));
                continue;
            }
            String name = r.nextBoolean() ? Fuzz.pick(r, "w", "b", "__metadata__", "", "a/../b", "x".repeat(300)) : text(r, 8);
            String dtype = r.nextInt(4) > 0 ? Fuzz.pick(r, "F32", "F64", "F16", "BF16", "I64", "U8", "BOOL", "f32", "") : text(r, 5);
            List<String> shape = new ArrayList<>();
            int rank = r.nextInt(11);
            for (int k = 0; k < rank; k++) {
                shape.add(Long.toString(dim(r)));
            }
            entries.add("\"" + escape(name) + "\":{\"dtype\":\"" + escape(dtype) + "\",\"shape\":[" + String.join(",", shape)
                    + "],\"data_offsets\":[" + dim(r) + "," + dim(r) + "]}");
        }
        return "{" + String.join(",", entries) + "}";
    }

    @Test
    void generatedHeadersParseOrAreRefusedWithOneLineEngineExceptions() {
        Map<String, Integer> outcomes = Fuzz.run("safetensors header", 2.0, (r, i) -> {
            byte[] h = header(r).getBytes(StandardCharsets.UTF_8);
            long claimed = r.nextInt(5) == 0 ? dim(r) : h.length; // sometimes a lying header length
            int dataLen = r.nextBoolean() ? r.nextInt(97) : r.nextInt(49);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataLen).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(claimed).put(h);
            byte fill = (byte) r.nextInt(256);
            while (b.hasRemaining()) {
                b.put(fill);
            }
            try {
                TensorFile f = SafeTensors.parse("fuzz.safetensors", b.array());
                for (String n : f.names()) {
                    f.require(n).toDoubleArray();
                }
                return "parsed";
            } catch (EngineException e) {
                assertThat(e.getMessage()).startsWith("fuzz.safetensors").doesNotContain("\n").doesNotContain("\r");
                return "refused";
            } catch (RuntimeException | Error e) {
                fail("threw " + e + " for header " + new String(h, StandardCharsets.UTF_8), e);
                return "unreachable";
            }
        });
        assertThat(outcomes).containsKeys("parsed", "refused");
    }
}
