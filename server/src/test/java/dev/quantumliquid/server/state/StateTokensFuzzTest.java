package dev.quantumliquid.server.state;

import dev.quantumliquid.engine.Fuzz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quantumliquid.server.error.ServerException;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fuzzes state tokens: random text and altered real tokens are a 400 naming 'state', never anything else, never accepted. */
class StateTokensFuzzTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .%\u00e9\n";

    @Test
    void alteredOrRandomTokensAreRefusedAs400Only() {
        StateTokens tokens = new StateTokens(new byte[32]);
        String valid = tokens.encode(new SequenceState("model", 3, "abababababababababababababababababababababababababababababababab", 12, new float[] {1f, -2f, 0.5f}));
        Map<String, Integer> outcomes = Fuzz.run("state tokens", 1.0, (r, i) -> {
            String t;
            switch (r.nextInt(5)) {
                case 0 -> { // random text
                    StringBuilder b = new StringBuilder();
                    for (int k = r.nextInt(200); k > 0; k--) {
                        b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    }
                    t = b.toString();
                }
                case 1 -> { // random bytes, well-formed base64url
                    byte[] raw = new byte[r.nextInt(120)];
                    r.nextBytes(raw);
                    t = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                }
                case 2 -> { // one character of a real token changed
                    char[] c = valid.toCharArray();
                    int at = r.nextInt(c.length);
                    char was = c[at];
                    do {
                        c[at] = ALPHABET.charAt(r.nextInt(64));
                    } while (c[at] == was);
                    t = new String(c);
                }
                case 3 -> t = valid.substring(0, r.nextInt(valid.length())); // truncated
                default -> { // a real token's bytes with a forged length field (MAC not recomputed)
                    byte[] raw = Base64.getUrlDecoder().decode(valid);
                    raw[4 + r.nextInt(raw.length - 4)] ^= (byte) (1 + r.nextInt(255));
                    t = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                }
            }
            try {
                SequenceState s = tokens.decode(t);
                // Only a token that is byte-for-byte the real one may decode (base64 may spell it differently).
                assertThat(tokens.encode(s)).isEqualTo(valid);
                return "accepted (same token)";
            } catch (ServerException e) {
                assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
                assertThat(e.getMessage()).startsWith("state: ");
                return "refused";
            } catch (RuntimeException e) {
                fail("threw " + e + " for token " + t, e);
                return "unreachable";
            }
        });
        assertThat(outcomes).containsKey("refused");
    }
}
