package dev.quantumliquid.server.simple;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.http.JsonIo;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the simple JSON API's {@code POST /inference} body, in-process as the
 * handler sees it: the bytes through {@link JsonIo#parseObject} (1 MiB, depth 16) then
 * {@link SimpleInferenceService#parse}, with one model served (even-length bodies) or two (odd, so
 * a body naming none is ambiguous). It parses or is a 400 (404 for an impossible version)
 * ServerException with a one-line message; anything else (a 500) is a finding. Seeds:
 * {@code src/test/resources/dev/quantumliquid/server/simple/SimpleInferenceJazzerTestInputs/parse/}.
 */
class SimpleInferenceJazzerTest {
    private static final JsonIo JSON = new JsonIo(1 << 20);

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] body) {
        List<String> served = body.length % 2 == 0 ? List.of("demo") : List.of("demo", "other");
        try {
            ObjectNode n = JSON.parseObject(body);
            SimpleInferenceService.Parsed p = SimpleInferenceService.parse(n, () -> served);
            float[][][] x = p.request().input();
            assertThat(x).hasNumberOfRows(1);
            assertThat(x[0].length).isPositive();
            if (p.single()) {
                assertThat(x[0]).hasNumberOfRows(1);
            }
        } catch (ServerException e) {
            // 404 is right for a version that cannot exist ("0"), as over HTTP; never a 5xx.
            assertThat(e.kind()).isIn(ServerException.Kind.BAD_REQUEST, ServerException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
        }
    }
}
