package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.FaultyLayer;
import dev.quantumliquid.testkit.TestModels;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input limit is a setting, refused with 400/413 and a message naming the field and the limit. */
class InputLimitsTest {
    @TempDir
    Path dir;
    Path repo;

    @BeforeEach
    void models() throws Exception {
        repo = Files.createDirectories(dir.resolve("models"));
        TestModels.dense(repo, "dense", 1, 0f);
        // No squashing head, so an infinity reaches the output as well as a NaN.
        TestModels.dense(repo.resolve("broken").resolve("1"), "broken", 0f, "none");
    }

    private TestServer start(String... kv) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return TestServer.start(TestServer.config(repo, env), TestLoaders.withFault("broken", FaultyLayer.nonFinite(5)));
    }

    static void assertError(Response r, int status, String... fragments) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(fragments);
    }

    private static String oip(String data, String shape) {
        return "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":" + shape + ",\"data\":" + data + "}]}";
    }

    @Test
    void bodyAndHeaderSize() {
        try (TestServer s = start("QLNN_MAX_BODY_BYTES", "2048", "QLNN_MAX_HEADER_BYTES", "2048")) {
            String big = oip("[" + "0.5,".repeat(800) + "0.5]", "[801]");
            assertError(s.post("/v2/models/dense/infer", big), 413, "QLNN_MAX_BODY_BYTES=2048");
            // Without a Content-Length (chunked) the limit holds while reading.
            Response chunked = s.send(HttpRequest.newBuilder(s.uri("/inference")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build());
            assertError(chunked, 413, "QLNN_MAX_BODY_BYTES=2048");
            Response header = s.getWith("/v2/health/live", "X-Padding", "p".repeat(4000));
            assertThat(header.status()).as(header.body()).isBetween(400, 431);
            assertThat(header.json().get("error").asText()).contains("QLNN_MAX_HEADER_BYTES=2048");
            assertThat(s.get("/v2/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void jsonNestingTokensAndNumberLength() {
        try (TestServer s = start("QLNN_MAX_JSON_DEPTH", "6", "QLNN_MAX_JSON_TOKENS", "200")) {
            String deep = "{\"input\":" + "[".repeat(7) + "1" + "]".repeat(7) + "}";
            assertError(s.post("/inference", deep), 400, "body", "QLNN_MAX_JSON_DEPTH=6");
            String many = "{\"input\":[" + "1,".repeat(300) + "1]}";
            assertError(s.post("/inference", many), 400, "body", "QLNN_MAX_JSON_TOKENS=200");
            assertError(s.post("/inference", "{\"input\":[1" + "0".repeat(100) + ",0,0]}"), 400, "body", "number longer than 64");
            // [B,T,F] nested data is within the limits.
            assertThat(s.post("/v2/models/dense/infer", oip("[[[1,2,3]]]", "[1,1,3]")).status()).isEqualTo(200);
        }
    }

    @Test
    void batchSequenceLengthAndFeatures() {
        try (TestServer s = start("QLNN_MAX_BATCH", "2", "QLNN_MAX_SEQUENCE_LENGTH", "4")) {
            assertError(s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(3, 1, 3, 0f))), 400, "batch of 3",
                    "QLNN_MAX_BATCH");
            assertError(s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(1, 5, 3, 0f))), 400, "5 steps",
                    "QLNN_MAX_SEQUENCE_LENGTH");
            assertError(s.post("/inference", "{\"model\":\"dense\",\"inputs\":[[1,2,3],[1,2,3],[1,2,3],[1,2,3],[1,2,3]]}"), 400,
                    "QLNN_MAX_SEQUENCE_LENGTH");
            assertError(s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(1, 1, 4, 0f))), 400, "4 features",
                    "takes 3");
            assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2]}"), 400, "2 features", "takes 3");
            assertError(s.post("/v2/models/dense/infer", oip("[1,2,3]", "[2147483647,2147483647,2147483647]")), 400,
                    "shape");
        }
    }

    @Test
    void valuesFiniteAndWithinTheAbsoluteMaximum() {
        try (TestServer s = start()) {
            assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[10.5,0,0]}"), 400, "input", "feature 0",
                    "[-10, 10]", "QLNN_INPUT_ABS_MAX");
            assertError(s.post("/v2/models/dense/infer", oip("[0,-11,0]", "[3]")), 400, "feature 1", "QLNN_INPUT_ABS_MAX");
            assertThat(s.post("/inference", "{\"model\":\"dense\",\"input\":[10,-10,0]}").status()).isEqualTo(200);
            assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[1e39,0,0]}"), 400, "input[0]", "finite");
            assertError(s.post("/v2/models/dense/infer", oip("[1e39,0,0]", "[3]")), 400, "input.data", "finite");
            assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[NaN,0,0]}"), 400, "body", "JSON");
            assertError(s.post("/inference", "{\"model\":\"dense\",\"input\":[\"1\",0,0]}"), 400, "input[0]", "number");
        }
        try (TestServer s = start("QLNN_INPUT_ABS_MAX", "100")) {
            assertThat(s.post("/inference", "{\"model\":\"dense\",\"input\":[50,0,0]}").status()).isEqualTo(200);
        }
    }

    @Test
    void timeSpansPositiveAndFinite() {
        try (TestServer s = start()) {
            for (String dt : new String[] {"0", "-1", "1e39", "-0.0"}) {
                Response r = s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2,3],\"timespans\":" + dt + "}");
                assertThat(r.status()).as(dt).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(dt).contains("timespans");
            }
            String oipDt = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":[1,2,3,1,2,3]},"
                    + "{\"name\":\"timespans\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1,0]}]}";
            assertError(s.post("/v2/models/dense/infer", oipDt), 400, "timespans", "positive finite");
            assertThat(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2,3],\"timespans\":0.5}").status()).isEqualTo(200);
        }
    }

    @Test
    void namesCannotLeaveTheRepository() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "not a model");
        try (TestServer s = start()) {
            for (String name : new String[] {"..", ".", "a b", "x;y", "dense\u0000", "\u00e9t\u00e9", "%2e%2e", "a".repeat(129)}) {
                Response r = s.post("/inference", "{\"model\":" + TestServer.JSON.writeValueAsString(name) + ",\"input\":[1,2,3]}");
                assertThat(r.status()).as(name).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(name).contains("model").contains("[A-Za-z0-9._-]");
            }
            for (String path : new String[] {"/v2/models/..%2Fsecret.txt/infer", "/v2/models/%2e%2e/infer",
                "/v2/repository/models/..%2F..%2Fetc/load", "/v2/models/dense/versions/1%2F..%2F2/infer"}) {
                Response r = s.post(path, oip("[1,2,3]", "[3]"));
                assertThat(r.status()).as(path).isIn(400, 404);
            }
            assertError(s.post("/inference", "{\"model\":\"dense\",\"version\":\"../1\",\"input\":[1,2,3]}"), 400, "version");
        }
    }

    @Test
    void aNonFiniteOutputIsAnErrorCountedNeverReplaced() {
        try (TestServer s = start()) {
            for (String x : new String[] {"6", "-6", "6"}) { // the repeat shows the refused result was not cached
                Response r = s.post("/inference", "{\"model\":\"broken\",\"input\":[" + x + ",0,0]}");
                assertError(r, 500, "model 'broken' version 1", "non-finite output");
                assertThat(r.json().has("output")).isFalse();
                assertThat(r.body()).doesNotContain("Infinity");
            }
            Response oip = s.post("/v2/models/broken/infer", oip("[1,0,0,7,0,0]", "[2,3]"));
            assertError(oip, 500, "non-finite output");
            assertThat(s.post("/inference", "{\"model\":\"broken\",\"input\":[1,0,0]}").status()).isEqualTo(200);
            assertThat(s.get("/metrics").body()).contains("quantum_liquid_errors_total{kind=\"non_finite_output\",model=\"broken\"} 4.0");
        }
    }
}
