package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New, broken and removed versions are picked up by polling while a client keeps sending requests. */
class HotReloadTest {
    @TempDir
    Path repo;

    private static String stateOf(TestServer s, String version) {
        for (JsonNode e : s.post("/v2/repository/index", "").json()) {
            if (e.get("name").asText().equals("dense") && e.path("version").asText().equals(version)) {
                return e.get("state").asText() + ": " + e.get("reason").asText();
            }
        }
        return "absent";
    }

    @Test
    void versionsComeAndGoWithoutAFailedRequest() throws Exception {
        TestModels.dense(repo, "dense", 1, 0f);
        float[][][] x = Bodies.input(1, 2, 3, 0.3f);
        String body = Bodies.infer(x).toString();
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_POLL_INTERVAL_S", "0.1", "QLNN_CACHE_SIZE", "0"))) {
            List<String> failures = new CopyOnWriteArrayList<>();
            Map<String, float[]> outputsByVersion = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread client = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    Response r = s.post("/v2/models/dense/infer", body);
                    if (r.status() != 200) {
                        failures.add(r.status() + " " + r.body());
                    } else {
                        JsonNode j = r.json();
                        outputsByVersion.put(j.get("model_version").asText(), Bodies.output(j, "output"));
                    }
                }
            });
            try {
                Await.until("version 1 serves", () -> outputsByVersion.containsKey("1"));

                Path v2 = TestModels.dense(repo, "dense", 2, 0.3f);
                Await.until("version 2 serves", () -> outputsByVersion.containsKey("2"));
                float[] want2 = Bodies.flat(ModelFiles.load(v2).predict(BatchInput.of(x), 1).output());
                assertThat(outputsByVersion.get("2")).containsExactly(want2);

                // A broken version 3 (weights altered after model.json recorded their checksum) never serves.
                Path v3 = TestModels.dense(repo, "dense", 3, 0.6f);
                Files.write(v3.resolve("weights.safetensors"), new byte[] {0}, StandardOpenOption.APPEND);
                Await.until("version 3 is refused", () -> stateOf(s, "3").startsWith("UNAVAILABLE"));
                assertThat(stateOf(s, "3")).contains("checksum");
                outputsByVersion.clear();
                Await.until("requests still answered", () -> outputsByVersion.containsKey("2"));
                assertThat(outputsByVersion).doesNotContainKey("3");
                assertThat(s.get("/metrics").body()).contains("quantum_liquid_errors_total{kind=\"load_failed\",model=\"dense\"}");

                // Removed versions stop serving; the newest remaining one takes over.
                delete(v3);
                delete(v2);
                outputsByVersion.clear();
                Await.until("version 1 serves again", () -> outputsByVersion.containsKey("1") && stateOf(s, "2").equals("absent"));
            } finally {
                running.set(false);
                client.join();
            }
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void aBrokenVersionAtStartIsReportedAndTheRepositoryApiRetriesIt() throws Exception {
        TestModels.dense(repo, "dense", 1, 0f);
        Path broken = TestModels.dense(repo, "dense", 2, 0.1f);
        Files.writeString(broken.resolve("model.json"), "{ not json");
        try (TestServer s = TestServer.start(repo, Map.of())) {
            assertThat(stateOf(s, "2")).startsWith("UNAVAILABLE").contains("not valid JSON");
            assertThat(s.post("/v2/models/dense/infer", Bodies.infer(Bodies.input(1, 1, 3, 0f))).json()
                    .get("model_version").asText()).isEqualTo("1");
            Response r = s.get("/v2/models/dense/versions/2/ready");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).contains("not valid JSON");

            TestModels.dense(repo, "dense", 2, 0.1f);
            assertThat(s.post("/v2/repository/models/dense/load", "").status()).isEqualTo(200);
            assertThat(stateOf(s, "2")).startsWith("READY");
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
