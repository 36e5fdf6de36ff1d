package dev.quantumliquid.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantumliquid.server.error.ServerException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Coverage-guided fuzzing (Jazzer) of state-token verification. The first byte picks the mode:
 * even, the rest is the token text as a client would send it (the MAC stops the fuzzer early, as
 * it should; nothing but a 400 naming 'state' may come out); odd, the rest is a token payload that
 * the test signs with the key, so the fuzzer reaches the payload decoder behind the MAC (what a
 * holder of the key, or a bug in encode, could produce): it decodes to a state that re-encodes and
 * decodes to the same fields, or is the same 400. Anything else escaping is a finding. Seeds:
 * {@code src/test/resources/dev/quantumliquid/server/state/StateTokensJazzerTestInputs/decode/}.
 */
class StateTokensJazzerTest {
    static final byte[] KEY = "jazzer-state-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final StateTokens TOKENS = new StateTokens(KEY);

    static byte[] sign(byte[] payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] tag = mac.doFinal(payload);
        byte[] out = Arrays.copyOf(payload, payload.length + tag.length);
        System.arraycopy(tag, 0, out, payload.length, tag.length);
        return out;
    }

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        boolean signed = (data[0] & 1) == 1;
        String token = signed ? Base64.getUrlEncoder().withoutPadding().encodeToString(sign(rest))
                : new String(rest, StandardCharsets.UTF_8);
        SequenceState s;
        try {
            s = TOKENS.decode(token);
        } catch (ServerException e) {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
            assertThat(e.getMessage()).startsWith("state: ").doesNotContain("\n").doesNotContain("\r");
            return;
        }
        SequenceState again = TOKENS.decode(TOKENS.encode(s));
        assertThat(again.model()).isEqualTo(s.model());
        assertThat(again.version()).isEqualTo(s.version());
        assertThat(again.steps()).isEqualTo(s.steps());
        assertThat(Arrays.equals(again.state(), s.state())).isTrue();
    }
}
