package dev.quantumliquid.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.error.ServerException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateTokensTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.US_ASCII);
    private final StateTokens tokens = new StateTokens(KEY);

    @Test
    void aTokenRoundTripsModelVersionStepsAndStateBitForBit() {
        float[] st = {0f, -0f, 1.5f, Float.MIN_VALUE, -3.25e-7f, 123456.78f};
        SequenceState s = new SequenceState("model.a-1", 42, "abababababababababababababababababababababababababababababababab", 1_000_000_007L, st);
        String t = tokens.encode(s);
        assertThat(t).matches("[A-Za-z0-9_-]+");
        SequenceState back = tokens.decode(t);
        assertThat(back.model()).isEqualTo("model.a-1");
        assertThat(back.version()).isEqualTo(42);
        assertThat(back.steps()).isEqualTo(1_000_000_007L);
        assertThat(back.state()).usingElementComparator((a, b) -> Integer.compare(Float.floatToRawIntBits(a),
                Float.floatToRawIntBits(b))).containsExactly(st);
    }

    @Test
    void anEmptyStateRoundTrips() {
        assertThat(tokens.decode(tokens.encode(new SequenceState("m", 1, "abababababababababababababababababababababababababababababababab", 3, new float[0]))).state()).isEmpty();
    }

    @Test
    void everyAlteredByteIsRefused() {
        byte[] raw = Base64.getUrlDecoder().decode(tokens.encode(new SequenceState("m", 1, "abababababababababababababababababababababababababababababababab", 2, new float[] {1f, 2f})));
        for (int i = 0; i < raw.length; i++) {
            byte[] t = raw.clone();
            t[i] ^= 0x01;
            String bad = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
            assertThatThrownBy(() -> tokens.decode(bad)).as("byte " + i).isInstanceOf(ServerException.class)
                    .hasMessageStartingWith("state: ");
        }
    }

    @Test
    void aTokenOfAnotherKeyOrGarbageIsA400() {
        String t = tokens.encode(new SequenceState("m", 1, "abababababababababababababababababababababababababababababababab", 2, new float[] {1f}));
        StateTokens other = new StateTokens("another key, also at least 32 bytes".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> other.decode(t)).isInstanceOfSatisfying(ServerException.class,
                e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST)).hasMessageContaining("signature");
        assertThatThrownBy(() -> tokens.decode("%%%")).hasMessageContaining("base64url");
        assertThatThrownBy(() -> tokens.decode("AAAA")).hasMessageContaining("too short");
        assertThatThrownBy(() -> tokens.decode("")).hasMessageContaining("too short");
    }

    @Test
    void replicasSharingAKeyFileAcceptEachOthersTokens(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("key");
        Files.writeString(key, "a shared secret of more than thirty-two bytes\n");
        StateTokens a = StateTokens.fromKeyFile(Optional.of(key));
        StateTokens b = StateTokens.fromKeyFile(Optional.of(key));
        assertThat(b.decode(a.encode(new SequenceState("m", 3, "abababababababababababababababababababababababababababababababab", 4, new float[] {7f}))).steps()).isEqualTo(4);
        StateTokens random1 = StateTokens.fromKeyFile(Optional.empty());
        StateTokens random2 = StateTokens.fromKeyFile(Optional.empty());
        String t = random1.encode(new SequenceState("m", 3, "abababababababababababababababababababababababababababababababab", 4, new float[] {7f}));
        assertThatThrownBy(() -> random2.decode(t)).isInstanceOf(ServerException.class);
    }

    /** head -c 32 /dev/urandom ends in a newline one time in 256: such a binary key is used whole, not cut to 31 bytes. */
    @Test
    void aBinaryKeyEndingInANewlineIsUsedByteForByte(@TempDir Path dir) throws Exception {
        byte[] raw = new byte[32];
        new java.util.SplittableRandom(7).nextBytes(raw);
        raw[5] = (byte) 0x9c; // certainly not text
        raw[31] = '\n';
        Path key = Files.write(dir.resolve("key"), raw);
        SequenceState s = new SequenceState("m", 1, "ab".repeat(32), 2, new float[] {1f});
        assertThat(new StateTokens(raw).decode(StateTokens.fromKeyFile(Optional.of(key)).encode(s)).steps()).isEqualTo(2);
        Files.writeString(key, "a text key of more than thirty-two characters\r\n");
        assertThat(new StateTokens("a text key of more than thirty-two characters".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .decode(StateTokens.fromKeyFile(Optional.of(key)).encode(s)).steps()).isEqualTo(2);
    }

    @Test
    void aShortOrMissingKeyFileStopsStartUp(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("short");
        Files.writeString(key, "too short\n");
        assertThatThrownBy(() -> StateTokens.fromKeyFile(Optional.of(key))).isInstanceOfSatisfying(ServerException.class,
                e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.CONFIG)).hasMessageStartingWith("QLNN_STATE_KEY_FILE");
        assertThatThrownBy(() -> StateTokens.fromKeyFile(Optional.of(dir.resolve("absent"))))
                .hasMessageContaining("does not exist");
    }
}
