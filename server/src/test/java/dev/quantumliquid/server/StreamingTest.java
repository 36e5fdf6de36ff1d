package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.TestServer.Response;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming state both ways (continuation token, server-held sequence) on the stand-in recurrent
 * quantum model: a sequence split over requests gives exactly the outputs of one request.
 */
class StreamingTest {
    @TempDir
    static Path repo;
    static TestServer s;

    @BeforeAll
    static void start() {
        TestLoaders.writeLeaky(repo, "leaky", 1);
        TestLoaders.writeLeaky(repo, "leaky", 2);
        TestLoaders.writeLeaky(repo, "other", 1);
        TestLoaders.writeLeaky(repo, "lowcoh", 1);
        s = TestServer.start(repo, Map.of("QLNN_MAX_SESSIONS", "2"));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static float[][][] slice(float[][][] x, int from, int to) {
        return new float[][][] {Arrays.copyOfRange(x[0], from, to)};
    }

    private static float[] concat(float[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int i = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void aSequenceSplitOverTokenRequestsEqualsOneRequest() {
        float[][][] x = Bodies.input(1, 6, 3, 1.5f);
        JsonNode whole = ok(s.post("/v2/models/leaky/versions/1/infer", Bodies.infer(x)));
        String token = null;
        float[][] outs = new float[3][];
        float[][] cohs = new float[3][];
        for (int part = 0; part < 3; part++) {
            ObjectNode body = Bodies.infer(slice(x, 2 * part, 2 * part + 2));
            if (token != null) {
                body.putObject("parameters").put("state", token);
            }
            JsonNode r = ok(s.post("/v2/models/leaky/versions/1/infer", body));
            outs[part] = Bodies.output(r, "output");
            cohs[part] = Bodies.output(r, "coherence");
            token = r.get("parameters").get("state").asText();
            assertThat(r.get("parameters").get("steps").asLong()).isEqualTo(2L * (part + 1));
        }
        assertThat(concat(outs)).containsExactly(Bodies.output(whole, "output"));
        assertThat(concat(cohs)).containsExactly(Bodies.output(whole, "coherence"));
        assertThat(token).as("same model, version, steps and state: the same token").isEqualTo(
                whole.get("parameters").get("state").asText());
    }

    @Test
    void aTokenRequestWithoutVersionStaysOnTheTokensVersion() {
        float[][][] x = Bodies.input(1, 2, 3, 0.2f);
        String token = ok(s.post("/v2/models/leaky/versions/1/infer", Bodies.infer(x))).get("parameters").get("state").asText();
        ObjectNode next = Bodies.infer(x);
        next.putObject("parameters").put("state", token);
        assertThat(ok(s.post("/v2/models/leaky/infer", next)).get("model_version").asText()).isEqualTo("1");
    }

    @Test
    void aTamperedTokenOrOneForAnotherModelOrVersionIs400() {
        float[][][] x = Bodies.input(1, 2, 3, 0.7f);
        String token = ok(s.post("/v2/models/leaky/versions/1/infer", Bodies.infer(x))).get("parameters").get("state").asText();
        char[] c = token.toCharArray();
        int i = c.length / 2;
        c[i] = c[i] == 'A' ? 'B' : 'A';
        for (String bad : new String[] {new String(c), token.substring(0, token.length() - 4), "not a token!", token + "AAAA"}) {
            ObjectNode body = Bodies.infer(x);
            body.putObject("parameters").put("state", bad);
            Response r = s.post("/v2/models/leaky/versions/1/infer", body);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).startsWith("state: ");
        }
        ObjectNode other = Bodies.infer(x);
        other.putObject("parameters").put("state", token);
        Response r = s.post("/v2/models/other/infer", other);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("continues model 'leaky' version 1");
        assertThat(s.post("/v2/models/leaky/versions/2/infer", other).status()).isEqualTo(400);
        Response batch = s.post("/v2/models/leaky/versions/1/infer",
                Bodies.infer(Bodies.input(2, 1, 3, 0f)).set("parameters", Bodies.object().put("state", token)));
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().get("error").asText()).contains("batch 1");
    }

    @Test
    void aContinuedRequestRepeatedIsACacheHitWithTheSameToken() {
        float[][][] x = Bodies.input(1, 2, 3, 4.5f);
        String token = ok(s.post("/v2/models/leaky/versions/1/infer", Bodies.infer(x))).get("parameters").get("state").asText();
        ObjectNode next = Bodies.infer(x);
        next.putObject("parameters").put("state", token);
        JsonNode a = ok(s.post("/v2/models/leaky/versions/1/infer", next));
        JsonNode b = ok(s.post("/v2/models/leaky/versions/1/infer", next));
        assertThat(a.get("parameters").get("cache_hit").asBoolean()).isFalse();
        assertThat(b.get("parameters").get("cache_hit").asBoolean()).isTrue();
        assertThat(b.get("parameters").get("state").asText()).isEqualTo(a.get("parameters").get("state").asText());
    }

    @Test
    void aSequenceSplitOverSequenceIdRequestsEqualsOneRequest() {
        float[][][] x = Bodies.input(1, 6, 3, 2.5f);
        JsonNode whole = ok(s.post("/v2/models/leaky/infer", Bodies.infer(x)));
        float[][] outs = new float[3][];
        for (int part = 0; part < 3; part++) {
            ObjectNode body = Bodies.infer(slice(x, 2 * part, 2 * part + 2));
            body.putObject("parameters").put("sequence_id", 77).put("sequence_start", part == 0).put("sequence_end", part == 2);
            JsonNode r = ok(s.post("/v2/models/leaky/infer", body));
            outs[part] = Bodies.output(r, "output");
            assertThat(r.get("parameters").get("sequence_id").asText()).isEqualTo("77");
        }
        assertThat(concat(outs)).containsExactly(Bodies.output(whole, "output"));
        ObjectNode after = Bodies.infer(slice(x, 0, 1));
        after.putObject("parameters").put("sequence_id", 77);
        Response r = s.post("/v2/models/leaky/infer", after);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("sequence_id").contains("sequence_start");
    }

    /** QLNN_MAX_SESSIONS is 2 here: a third sequence drops the least recently used idle one rather than being refused. */
    @Test
    void aFullStoreDropsTheLeastRecentlyUsedIdleSequence() {
        float[][][] x = Bodies.input(1, 1, 3, 0f);
        for (String id : new String[] {"a", "b", "c"}) {
            ObjectNode body = Bodies.infer(x);
            body.putObject("parameters").put("sequence_id", "bound-" + id).put("sequence_start", true);
            ok(s.post("/v2/models/other/infer", body));
        }
        assertThat(s.get("/metrics").body()).contains("quantum_liquid_sessions_active 2.0");
        ObjectNode oldest = Bodies.infer(x);
        oldest.putObject("parameters").put("sequence_id", "bound-a");
        Response r = s.post("/v2/models/other/infer", oldest);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("not an open sequence");
        for (String id : new String[] {"b", "c"}) {
            ObjectNode end = Bodies.infer(x);
            end.putObject("parameters").put("sequence_id", "bound-" + id).put("sequence_end", true);
            ok(s.post("/v2/models/other/infer", end));
        }
    }

    @Test
    void guideStateContinuesASequence() {
        JsonNode whole = ok(s.post("/inference", "{\"model\":\"other\",\"inputs\":[[1,2,3],[0.5,0.5,0.5]],\"timespans\":[1,0.25]}"));
        JsonNode first = ok(s.post("/inference", "{\"model\":\"other\",\"input\":[1,2,3],\"timespans\":1}"));
        JsonNode second = ok(s.post("/inference", "{\"model\":\"other\",\"input\":[0.5,0.5,0.5],\"timespans\":[0.25],\"state\":\""
                + first.get("state").asText() + "\"}"));
        assertThat(second.get("output").toString()).isEqualTo(whole.get("output").get(1).toString());
        assertThat(second.get("state").asText()).isEqualTo(whole.get("state").asText());
        assertThat(second.get("steps").asLong()).isEqualTo(2);
    }

    /**
     * Requests with low coherence are flagged and counted, and move the reported rolling mean, but
     * health follows the server's own calibration probe: 100 chosen inputs cannot make /health degraded.
     */
    @Test
    void lowCoherenceIsFlaggedAndCountedButCannotDegradeHealth() {
        JsonNode high = ok(s.post("/inference", "{\"model\":\"lowcoh\",\"input\":[0.01,0,0]}"));
        assertThat(high.get("low_coherence").asBoolean()).isFalse();
        for (int i = 0; i < 100; i++) {
            JsonNode low = ok(s.post("/inference", "{\"model\":\"lowcoh\",\"input\":[" + (5 + i % 5) + ",0,0]}"));
            assertThat(low.get("low_coherence").asBoolean()).isTrue();
            assertThat(low.get("quantum_coherence").asDouble()).isLessThan(0.6);
        }
        JsonNode h = ok(s.get("/health"));
        assertThat(h.get("coherence_by_model").get("lowcoh").asDouble()).isLessThan(0.6);
        assertThat(h.get("probe_coherence").get("lowcoh/1").asDouble()).isGreaterThan(0.6);
        assertThat(h.get("status").asText()).as(h.toString()).isEqualTo("healthy");
        assertThat(s.get("/metrics").body()).contains("quantum_liquid_low_coherence_total{model=\"lowcoh\"} 100.0");
    }
}
