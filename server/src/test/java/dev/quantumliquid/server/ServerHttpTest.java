package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint and error code of one running server, over HTTP. */
class ServerHttpTest {
    @TempDir
    static Path repo;
    static TestServer s;
    static Model dense;

    @BeforeAll
    static void start() {
        Path dir = TestModels.dense(repo, "dense", 1, 0f);
        TestModels.dense(repo, "spare", 1, 0.1f);
        TestLoaders.writeLeaky(repo, "leaky", 1);
        dense = ModelFiles.load(dir);
        s = TestServer.start(repo, Map.of("QLNN_MAX_BODY_BYTES", "4096", "QLNN_MAX_BATCH", "4", "QLNN_MAX_SEQUENCE_LENGTH", "50"));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static void assertError(Response r, int status, String fragment) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("error").asText()).contains(fragment);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void livenessReadinessAndServerMetadata() {
        Response live = s.get("/v2/health/live");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.header("X-Request-Id")).isNotBlank();
        assertThat(s.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(s.get("/ready").json().get("ready").asBoolean()).isTrue();
        JsonNode meta = s.get("/v2").json();
        assertThat(meta.get("name").asText()).isEqualTo("quantum-liquid");
        assertThat(meta.get("extensions").toString()).contains("model_repository").contains("sequence");
    }

    @Test
    void modelMetadataAndReadiness() {
        JsonNode m = s.get("/v2/models/dense").json();
        assertThat(m.get("name").asText()).isEqualTo("dense");
        assertThat(m.get("platform").asText()).isEqualTo("qlnn_model");
        assertThat(m.get("versions").toString()).isEqualTo("[\"1\"]");
        assertThat(m.get("inputs").get(0).toString()).contains("\"name\":\"input\"").contains("\"datatype\":\"FP32\"")
                .contains("\"shape\":[-1,-1,3]");
        assertThat(m.get("outputs").size()).isEqualTo(1);
        assertThat(m.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,-1,2]");
        assertThat(s.get("/v2/models/dense/versions/1").json().get("name").asText()).isEqualTo("dense");
        JsonNode q = s.get("/v2/models/leaky").json();
        assertThat(q.get("outputs").toString()).contains("coherence");
        assertThat(q.get("parameters").get("recurrent").asBoolean()).isTrue();
        assertThat(s.get("/v2/models/dense/ready").json().get("ready").asBoolean()).isTrue();
        assertThat(s.get("/v2/models/dense/versions/1/ready").status()).isEqualTo(200);
        assertError(s.get("/v2/models/dense/versions/9/ready"), 404, "no version 9");
        assertError(s.get("/v2/models/nope"), 404, "unknown model");
        assertError(s.get("/v2/models/dense/versions/x"), 404, "no version");
        assertError(s.get("/v2/models/bad%20name"), 400, "not a valid name");
    }

    @Test
    void inferMatchesModelPredictAndEchoesTheId() {
        float[][][] x = Bodies.input(2, 3, 3, 0.5f);
        ObjectNode body = Bodies.infer(x).put("id", "req-42");
        Response r = s.post("/v2/models/dense/infer", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("id").asText()).isEqualTo("req-42");
        assertThat(j.get("model_name").asText()).isEqualTo("dense");
        assertThat(j.get("model_version").asText()).isEqualTo("1");
        assertThat(j.get("outputs").size()).as("no coherence for a classical model").isEqualTo(1);
        assertThat(j.get("outputs").get(0).get("shape").toString()).isEqualTo("[2,3,2]");
        float[] want = Bodies.flat(dense.predict(BatchInput.of(x), 1).output());
        assertThat(Bodies.output(j, "output")).containsExactly(want);
        assertThat(j.get("parameters").has("state")).as("no state for a feed-forward model").isFalse();
        assertThat(j.get("parameters").get("low_coherence").asBoolean()).isFalse();

        Response v = s.post("/v2/models/dense/versions/1/infer", body);
        assertThat(Bodies.output(v.json(), "output")).containsExactly(want);
    }

    @Test
    void inputOfRankOneOrTwoAndNestedDataAreAccepted() {
        String one = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[0.1,0.2,0.3]}]}";
        Response r1 = s.post("/v2/models/dense/infer", one);
        assertThat(r1.status()).as(r1.body()).isEqualTo(200);
        assertThat(r1.json().get("outputs").get(0).get("shape").toString()).isEqualTo("[1,1,2]");
        float[] want = Bodies.flat(dense.predict(BatchInput.of(new float[][][] {{{0.1f, 0.2f, 0.3f}}}), 1).output());
        assertThat(Bodies.output(r1.json(), "output")).containsExactly(want);

        String two = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":[[0.1,0.2,0.3],[1,2,3]]},"
                + "{\"name\":\"timespans\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[0.5,2]}]}";
        Response r2 = s.post("/v2/models/dense/infer", two);
        assertThat(r2.status()).as(r2.body()).isEqualTo(200);
        assertThat(r2.json().get("outputs").get(0).get("shape").toString()).isEqualTo("[1,2,2]");
    }

    @Test
    void badRequestsAre400WithTheField() {
        String p = "/v2/models/dense/infer";
        assertError(s.post(p, "{\"inputs\": ["), 400, "not valid JSON");
        assertError(s.post(p, "[1,2]"), 400, "JSON object");
        assertError(s.post(p, "{}"), 400, "inputs");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3],\"data\":[1,2,3]}]}"),
                400, "input.data: 3 values");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,1,4],\"data\":[1,2,3,4]}]}"),
                400, "takes 3");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,1e39,3]}]}"),
                400, "not a finite float32");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,NaN,3]}]}"),
                400, "not valid JSON");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,\"2\",3]}]}"),
                400, "not a number");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"BYTES\",\"shape\":[3],\"data\":[1,2,3]}]}"),
                400, "input.datatype: BYTES is not supported");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]}]}"),
                400, "unknown tensor");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]},"
                + "{\"name\":\"timespans\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}"), 400, "timespans");
        assertError(s.post(p, Bodies.infer(Bodies.input(5, 1, 3, 0f))), 400, "QLNN_MAX_BATCH");
        assertError(s.post(p, Bodies.infer(Bodies.input(1, 51, 3, 0f))), 400, "QLNN_MAX_SEQUENCE_LENGTH");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]}],"
                + "\"parameters\":{\"state\":\"AAAA\"}}"), 400, "state");
        assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2]}"), 400, "takes 3");
        assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2,3],\"inputs\":[[1,2,3]]}"), 400, "either");
        assertError(s.post("/inference", "{\"input\":[1,2,3]}"), 400, "several models");
    }

    @Test
    void unknownModelsAndVersionsAre404() {
        String body = Bodies.infer(Bodies.input(1, 1, 3, 0f)).toString();
        assertError(s.post("/v2/models/nope/infer", body), 404, "unknown model 'nope'");
        assertError(s.post("/v2/models/dense/versions/7/infer", body), 404, "no version 7");
        assertError(s.post("/inference", "{\"model\":\"nope\",\"input\":[1,2,3]}"), 404, "unknown model");
        assertError(s.get("/no/such/path"), 404, "no endpoint");
    }

    @Test
    void wrongContentTypeIs415AndTooLargeIs413() {
        String body = Bodies.infer(Bodies.input(1, 1, 3, 0f)).toString();
        assertError(s.post("/v2/models/dense/infer", body, "text/plain"), 415, "application/json");
        assertError(s.post("/inference", "input=1", "application/x-www-form-urlencoded"), 415, "application/json");
        assertThat(s.post("/v2/models/dense/infer", body, "application/json; charset=utf-8").status()).isEqualTo(200);
        String big = "{\"id\":\"" + "x".repeat(5000) + "\"}";
        assertError(s.post("/v2/models/dense/infer", big), 413, "QLNN_MAX_BODY_BYTES");
    }

    @Test
    void aRepeatedRequestIsACacheHit() {
        ObjectNode body = Bodies.infer(Bodies.input(1, 2, 3, 9.25f));
        JsonNode first = s.post("/v2/models/dense/infer", body).json();
        JsonNode second = s.post("/v2/models/dense/infer", body).json();
        assertThat(first.get("parameters").get("cache_hit").asBoolean()).isFalse();
        assertThat(second.get("parameters").get("cache_hit").asBoolean()).isTrue();
        assertThat(Bodies.output(second, "output")).containsExactly(Bodies.output(first, "output"));
        JsonNode g1 = s.post("/inference", "{\"model\":\"dense\",\"input\":[0.25,0.5,8]}").json();
        JsonNode g2 = s.post("/inference", "{\"model\":\"dense\",\"input\":[0.25,0.5,8]}").json();
        assertThat(g1.get("cache_hit").asBoolean()).isFalse();
        assertThat(g2.get("cache_hit").asBoolean()).isTrue();
    }

    @Test
    void guideInferenceOneStepAndSequence() {
        Response r = s.post("/inference", "{\"model\":\"dense\",\"input\":[0.1,0.2,0.3]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        float[] want = Bodies.flat(dense.predict(BatchInput.of(new float[][][] {{{0.1f, 0.2f, 0.3f}}}), 1).output());
        assertThat(j.get("output").size()).isEqualTo(2);
        assertThat((float) j.get("output").get(0).asDouble()).isEqualTo(want[0]);
        assertThat((float) j.get("output").get(1).asDouble()).isEqualTo(want[1]);
        assertThat(j.get("quantum_coherence").isNull()).isTrue();
        assertThat(j.get("low_coherence").asBoolean()).isFalse();
        assertThat(j.get("inference_time_ms").isNumber()).isTrue();
        assertThat(j.get("model").asText()).isEqualTo("dense");
        assertThat(j.get("version").asText()).isEqualTo("1");
        assertThat(j.has("cache_hit")).isTrue();
        assertThat(j.get("state").isNull()).isTrue();

        JsonNode seq = s.post("/inference", "{\"model\":\"dense\",\"version\":\"1\",\"inputs\":[[0.1,0.2,0.3],[1,2,3]],"
                + "\"timespans\":[1,0.5]}").json();
        assertThat(seq.get("output").size()).isEqualTo(2);
        assertThat(seq.get("output").get(0).size()).isEqualTo(2);

        JsonNode q = s.post("/inference", "{\"model\":\"leaky\",\"inputs\":[[0.1,0.2,0.3],[0.1,0.2,0.3]]}").json();
        assertThat(q.get("quantum_coherence").asDouble()).isBetween(0.0, 1.0);
        assertThat(q.get("state").asText()).isNotEmpty();
    }

    @Test
    void healthReportsStatusCoherenceModelsAndUptime() {
        s.post("/inference", "{\"model\":\"leaky\",\"input\":[0.01,0,0]}");
        JsonNode h = s.get("/health").json();
        assertThat(h.get("status").asText()).isIn("healthy", "degraded");
        assertThat(h.get("quantum_coherence").isNumber()).isTrue();
        assertThat(h.get("models").toString()).contains("dense").contains("leaky");
        assertThat(h.get("uptime_s").asDouble()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void repositoryIndexUnloadAndLoad() {
        JsonNode index = s.post("/v2/repository/index", "").json();
        assertThat(index.toString()).contains("\"name\":\"dense\",\"version\":\"1\",\"state\":\"READY\"");
        assertThat(s.post("/v2/repository/index", "{\"ready\":true}").json().size()).isEqualTo(3);

        String body = Bodies.infer(Bodies.input(1, 1, 3, 0f)).toString();
        assertThat(s.post("/v2/repository/models/spare/unload", "").status()).isEqualTo(200);
        assertError(s.post("/v2/models/spare/infer", body), 404, "model 'spare' is unloaded");
        assertThat(s.post("/v2/repository/index", "").body()).contains("\"name\":\"spare\",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"");
        assertError(s.post("/v2/repository/models/spare/unload", ""), 404, "not loaded");
        assertThat(s.post("/v2/repository/models/spare/load", "").status()).isEqualTo(200);
        assertThat(s.post("/v2/models/spare/infer", body).status()).isEqualTo(200);
        assertError(s.post("/v2/repository/models/absent/load", ""), 404, "not in the repository");
    }

    @Test
    void metricsHaveTheDocumentedNames() {
        s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(1, 1, 3, 3f)));
        s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(1, 1, 3, 3f)));
        s.post("/inference", "{\"model\":\"leaky\",\"input\":[10,0,0]}"); // coherence 1/6: low
        s.post("/v2/models/nope/infer", "{}");
        Response m = s.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.header("Content-Type")).startsWith("text/plain");
        String text = m.body();
        assertThat(text).contains(
                "quantum_liquid_requests_total{code=\"200\",endpoint=\"infer\",model=\"dense\",protocol=\"http\",version=\"1\"}",
                "quantum_liquid_errors_total{kind=\"not_found\",model=\"\"}",
                "quantum_liquid_inference_duration_seconds_bucket{model=\"dense\",le=",
                "quantum_liquid_request_duration_seconds_bucket{endpoint=\"infer\"",
                "quantum_liquid_coherence_bucket{model=\"leaky\",le=",
                "quantum_liquid_coherence_avg{model=\"leaky\"}",
                "quantum_liquid_low_coherence_total{model=\"leaky\"}",
                "quantum_liquid_model_ready{model=\"dense\",version=\"1\"} 1",
                "quantum_liquid_cache_hits_total{model=\"dense\"}",
                "quantum_liquid_cache_misses_total{model=\"dense\"}",
                "quantum_liquid_sessions_active ",
                "quantum_liquid_inflight_requests ",
                "jvm_memory_used_bytes",
                "process_cpu_seconds_total");
        // Power is unknown today and these models have no wired liquid layer: no series, no invented number
        // (RepositoryPolicyTest sees them with a known estimate).
        assertThat(text).doesNotContain("quantum_liquid_model_power_microwatts{")
                .doesNotContain("quantum_liquid_model_sparsity{");
    }
}
