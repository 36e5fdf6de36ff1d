package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.TestServer.Response;

import dev.quantumliquid.testkit.FaultyLayer;
import dev.quantumliquid.testkit.TestModels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's model configuration and statistics extensions, the options refused by name, the request
 * timeout, server metadata and HTTP/2 on the HTTP port, over real HTTP.
 */
class OipTritonExtensionsHttpTest {
    @TempDir
    static Path repo;
    static TestServer s;

    @BeforeAll
    static void start() {
        TestModels.dense(repo, "dense", 1, 0f);
        TestLoaders.writeLeaky(repo, "leaky", 2);
        s = TestServer.start(repo, Map.of("QLNN_MAX_BATCH", "6", "QLNN_SESSION_IDLE_S", "120"));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static void assertError(Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isEqualTo(message);
    }

    @Test
    void serverMetadataListsTheExtensionsWithOrWithoutTheSlash() {
        for (String path : List.of("/v2", "/v2/")) {
            JsonNode m = s.get(path).json();
            assertThat(m.get("extensions").toString()).isEqualTo("[\"binary_tensor_data\",\"classification\","
                    + "\"model_configuration\",\"model_repository\",\"sequence\",\"state_token\",\"statistics\"]");
        }
    }

    @Test
    void metadataParametersAreStringsNumbersOrBooleansOnly() {
        for (String model : List.of("dense", "leaky")) {
            JsonNode m = s.get("/v2/models/" + model).json();
            assertThat(m.get("platform").asText()).isEqualTo("qlnn_model");
            for (Iterator<Map.Entry<String, JsonNode>> it = m.get("parameters").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(e.getValue().isTextual() || e.getValue().isNumber() || e.getValue().isBoolean())
                        .as(model + " " + e).isTrue();
            }
        }
        assertThat(s.get("/v2/models/dense").json().get("parameters").get("output_names").asText())
                .isEqualTo("[\"y0\",\"y1\"]");
    }

    @Test
    void modelConfigurationInTritonsShape() {
        JsonNode c = s.get("/v2/models/dense/config").json();
        assertThat(c.get("name").asText()).isEqualTo("dense");
        assertThat(c.get("platform").asText()).isEqualTo("qlnn_model");
        assertThat(c.get("backend").asText()).isEqualTo("qlnn");
        assertThat(c.get("max_batch_size").asInt()).isEqualTo(6);
        assertThat(c.get("input").get(0).get("name").asText()).isEqualTo("input");
        assertThat(c.get("input").get(0).get("data_type").asText()).isEqualTo("TYPE_FP32");
        assertThat(c.get("input").get(0).get("dims").toString()).isEqualTo("[-1,3]");
        assertThat(c.get("input").get(1).get("optional").asBoolean()).isTrue();
        assertThat(c.get("output").get(0).get("dims").toString()).isEqualTo("[-1,2]");
        assertThat(c.has("sequence_batching")).isFalse();
        assertThat(c.get("parameters").get("output_names").get("string_value").asText()).isEqualTo("[\"y0\",\"y1\"]");
        JsonNode l = s.get("/v2/models/leaky/versions/2/config").json();
        assertThat(l.get("sequence_batching").get("max_sequence_idle_microseconds").asLong()).isEqualTo(120_000_000L);
        assertThat(l.get("output").get(1).get("name").asText()).isEqualTo("coherence");
        assertError(s.get("/v2/models/nope/config"), 404, "unknown model 'nope'");
        assertError(s.get("/v2/models/dense/versions/3/config"), 404, "model 'dense' has no version 3");
    }

    private static JsonNode stat(String path, String model, String version) {
        for (JsonNode m : s.get(path).json().get("model_stats")) {
            if (m.get("name").asText().equals(model) && m.get("version").asText().equals(version)) {
                return m;
            }
        }
        throw new AssertionError("no statistics of " + model + " " + version + " at " + path);
    }

    @Test
    void statisticsCountWhatInferenceDid() {
        JsonNode before = stat("/v2/models/dense/stats", "dense", "1");
        long success = before.get("inference_stats").get("success").get("count").asLong();
        long inferences = before.get("inference_count").asLong();
        long executions = before.get("execution_count").asLong();
        long fail = before.get("inference_stats").get("fail").get("count").asLong();
        Response ok = s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(2, 3, 3, 0.5f)));
        assertThat(ok.status()).isEqualTo(200);
        Response bad = s.post("/v2/models/dense/infer", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                + "\"shape\":[3],\"data\":[1,1e6,3]}]}");
        assertThat(bad.status()).isEqualTo(400); // beyond QLNN_INPUT_ABS_MAX: the version was known, so it counts as a failure
        JsonNode after = stat("/v2/models/dense/versions/1/stats", "dense", "1");
        JsonNode st = after.get("inference_stats");
        assertThat(st.get("success").get("count").asLong()).isEqualTo(success + 1);
        assertThat(after.get("inference_count").asLong()).isEqualTo(inferences + 2);
        assertThat(after.get("execution_count").asLong()).isEqualTo(executions + 1);
        assertThat(st.get("fail").get("count").asLong()).isEqualTo(fail + 1);
        assertThat(st.get("success").get("ns").asLong()).isGreaterThan(before.get("inference_stats").get("success")
                .get("ns").asLong());
        assertThat(st.get("compute_infer").get("count").asLong()).isEqualTo(after.get("execution_count").asLong());
        assertThat(after.get("last_inference").asLong()).isGreaterThan(1_700_000_000_000L);
        for (String phase : List.of("queue", "compute_input", "compute_output", "cache_hit", "cache_miss")) {
            assertThat(st.get(phase).has("count")).as(phase).isTrue();
            assertThat(st.get(phase).has("ns")).as(phase).isTrue();
        }
        assertThat(stat("/v2/models/stats", "leaky", "2").get("inference_count").asLong()).isZero();
        assertError(s.get("/v2/models/nope/stats"), 404, "unknown model 'nope'");
        assertError(s.get("/v2/models/dense/versions/9/stats"), 404, "model 'dense' has no version 9");
    }

    @Test
    void optionsThatAreNotSupportedAreRefusedByName() {
        String in = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]}";
        String p = "/v2/models/dense/infer";
        assertError(s.post(p, "{\"inputs\":[" + in + "],\"parameters\":{\"priority\":2}}"), 400,
                "parameters.priority: not supported (every request has the same priority); send 0 or leave it out");
        assertThat(s.post(p, "{\"inputs\":[" + in + "],\"parameters\":{\"priority\":0}}").status()).isEqualTo(200);
        assertError(s.post(p, "{\"inputs\":[" + in + "],\"parameters\":{\"max_tokens\":2}}"), 400,
                "parameters.max_tokens: not supported (known: binary_data_output, priority, sequence_end, sequence_id, "
                        + "sequence_start, state, timeout)");
        assertError(s.post(p, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"parameters\":"
                + "{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":12}}]}"), 400,
                "input.parameters.shared_memory_region: shared memory is not supported; send the data in the request "
                        + "(JSON or binary)");
        assertError(s.post(p, "{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"top_k\":1}}]}"),
                400, "output.parameters.top_k: not supported (binary_data, classification, datatype)");
        assertError(s.post(p, "{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"coherence\",\"parameters\":"
                + "{\"classification\":1}}]}"), 400, "coherence.parameters.classification: coherence is not a "
                + "classification; ask it of output");
        assertError(s.post(p, "{\"inputs\":[" + in + "],\"parameters\":{\"timeout\":-1}}"), 400,
                "parameters.timeout: must be a non-negative integer, got -1");
        assertError(s.post("/v2/repository/models/dense/load", "{\"parameters\":{\"config\":\"{\\\"max_batch_size\\\":1}\"}}"),
                400, "parameters.config: loading with a configuration or files given in the request is not supported; a "
                        + "version is the folder in the repository");
        assertError(s.post("/v2/repository/models/dense/load", "{\"parameters\":{\"file:1/model.json\":\"e30=\"}}"), 400,
                "parameters.file:1/model.json: loading with a configuration or files given in the request is not "
                        + "supported; a version is the folder in the repository");
        assertThat(s.post("/v2/repository/models/dense/load", "{}").status()).isEqualTo(200);
    }

    @Test
    void aTimeoutThatPassesInTheQueueIs503() throws Exception {
        Path slowRepo = repo.resolve("slow-repo");
        TestModels.dense(slowRepo, "slow", 1, 0f);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer slow = TestServer.start(TestServer.config(slowRepo, Map.of("QLNN_WORKERS", "1",
                "QLNN_MAX_QUEUE_MS", "60000")), TestLoaders.withFault("slow", FaultyLayer.held(5, entered, release)));
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            // Twenty steps, held on the only worker until released.
            CompletableFuture<Response> busy = CompletableFuture.supplyAsync(
                    () -> slow.post("/v2/models/slow/infer", Bodies.infer(Bodies.triggering(1, 20, 3, 0.1f))));
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("the slow request runs").isTrue();
            String one = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]}],"
                    + "\"parameters\":{\"timeout\":1000}}";
            Response r = slow.post("/v2/models/slow/infer", one);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).isEqualTo("timeout: no inference worker free within the request's "
                    + "timeout of 1000 microseconds; retry later");
            assertThat(r.header("Retry-After")).isEqualTo("1");
            release.countDown();
            assertThat(busy.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(slow.get("/metrics").body()).contains("quantum_liquid_rejected_total{reason=\"timeout\"} 1.0");
            JsonNode st = slow.get("/v2/models/slow/stats").json().get("model_stats").get(0).get("inference_stats");
            assertThat(st.get("fail").get("count").asLong()).isEqualTo(1);
            assertThat(st.get("queue").get("count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void http2WithPriorKnowledgeAndByUpgradeOnTheHttpPort() throws Exception {
        // curl speaks HTTP/2 from the first byte (no upgrade) with --http2-prior-knowledge.
        Process p = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "-o", "-", "-w", "\\n%{http_version}",
                "-H", "Content-Type: application/json", "--data-binary",
                "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[3],\"data\":[1,2,3]}]}",
                s.uri("/v2/models/dense/infer").toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        String[] lines = out.split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo("2");
        assertThat(TestServer.JSON.readTree(lines[0]).get("model_name").asText()).isEqualTo("dense");
        // The JDK client asks for h2c by Upgrade on its first request.
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(s.uri("/v2/health/live")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> stats = h2.send(HttpRequest.newBuilder(s.uri("/v2/models/dense/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(stats.body()).contains("\"model_stats\"");
    }

}
