package dev.quantumliquid.server.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.http.JsonIo;
import java.util.OptionalLong;

/**
 * Coverage-guided fuzzing (Jazzer) of the OIP v2 infer request, in-process as the handler sees it:
 * the body's bytes through {@link JsonIo#parseObject} (the server's limits: 1 MiB, depth 16) then
 * {@link OipCodec#parseInfer}. It parses or is a 400 ServerException with a one-line message;
 * anything else (which the error mapper would answer 500) is a finding. Seeds:
 * {@code src/test/resources/dev/quantumliquid/server/oip/OipCodecJazzerTestInputs/parseInfer/}.
 */
class OipCodecJazzerTest {
    private static final JsonIo JSON = new JsonIo(1 << 20);

    @FuzzTest(maxDuration = "10s")
    void parseInfer(byte[] body) {
        try {
            ObjectNode n = JSON.parseObject(body);
            OipCodec.Parsed p = OipCodec.parseInfer(n, "demo", body.length % 2 == 0 ? OptionalLong.empty() : OptionalLong.of(1));
            float[][][] x = p.request().input();
            assertThat(x.length).isPositive();
            assertThat(x[0].length).isPositive();
        } catch (ServerException e) {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
            assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
        }
    }
}
