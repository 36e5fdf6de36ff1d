package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Prometheus configuration and rules in a real Prometheus, against nothing and against the real server. */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shippedRulesLoadAndServiceDownFiresForAnUnreachableTarget(@TempDir Path tmp) throws Exception {
        int nothing = LocalPrometheus.freePort();
        try (LocalPrometheus prometheus = LocalPrometheus.start(tmp, "127.0.0.1:" + nothing)) {
            prometheus.await("ALERTS{alertname=\"ServiceDown\",alertstate=\"firing\",job=\"quantum-liquid-static\"}",
                    r -> r.size() == 1, Duration.ofSeconds(30));
            assertThat(prometheus.query("ALERTS{alertname=\"HighErrorRate\"}")).isEmpty();
        }
    }

    /**
     * The server started the way the image's ENTRYPOINT starts it, a real Prometheus
     * scraping it with the shipped config and rules, traffic to every model; the server's series must
     * arrive, LowCoherence must fire for a low-coherence model (a heavily dephased circuit served beside
     * the bundled models) and HighErrorRate must not.
     * Needs cli/target/qlnn.jar (the `serve` command), built earlier in the same reactor, and models/.
     */
    @Test
    void serverScrapedLowCoherenceFiresAndHighErrorRateDoesNot(@TempDir Path tmp) throws Exception {
        Path jar = Tools.repo().resolve("cli/target/qlnn.jar");
        assertThat(hasServer(jar)).as("a runnable server jar at " + jar + " (built by the cli module before this one)")
                .isTrue();
        Path models = Tools.repo().resolve("models");
        assertThat(models).as("the bundled model repository").isDirectory();
        int port = LocalPrometheus.freePort();
        Process server = startLikeTheEntrypoint(jar, withLowCoherenceModel(models, tmp), port, tmp);
        try (LocalPrometheus prometheus = LocalPrometheus.start(tmp, "127.0.0.1:" + port)) {
            awaitReady(server, port, tmp);
            List<String> modelNames = modelNames(port);
            assertThat(modelNames).isNotEmpty();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < end) {
                for (String model : modelNames) {
                    infer(port, model);
                }
                Thread.sleep(100);
            }
            prometheus.await("up{job=\"quantum-liquid-static\"} == 1", r -> r.size() == 1, Duration.ofSeconds(20));
            prometheus.await("sum(quantum_liquid_requests_total)", r -> r.size() == 1, Duration.ofSeconds(20));
            JsonNode low = prometheus.await("avg by (model) (quantum_liquid_coherence_avg) < 0.5", r -> !r.isEmpty(),
                    Duration.ofSeconds(20));
            String lowModel = low.get(0).path("metric").path("model").asText();
            prometheus.await("ALERTS{alertname=\"LowCoherence\",alertstate=\"firing\",model=\"" + lowModel + "\"}",
                    r -> r.size() == 1, Duration.ofSeconds(20));
            assertThat(prometheus.query("ALERTS{alertname=\"HighErrorRate\"}")).isEmpty();
        } finally {
            server.destroy(); // SIGTERM: the server drains (QLNN_DRAIN_S=2) and exits 0
            assertThat(server.waitFor(15, TimeUnit.SECONDS)).as("server exits after SIGTERM").isTrue();
            assertThat(server.exitValue()).as("exit status after SIGTERM").isZero();
        }
    }

    /**
     * The bundled repository plus "low-coherence": a 2-qubit circuit with dephasing 0.45 per layer,
     * whose off-diagonal density-matrix entries shrink by (1 - 2p) = 0.1 per wire, so its coherence
     * stays far under the alert's 0.5.
     */
    private static Path withLowCoherenceModel(Path models, Path tmp) throws IOException {
        Path repo = tmp.resolve("models");
        try (Stream<Path> files = Files.walk(models)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = repo.resolve(models.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "qlnn-model/1").put("name", "low-coherence").put("input_features", 2)
                .put("sample_rate_hz", 1.0).put("energy_profile", "cortex-m4f");
        root.putArray("output_names").add("z0").add("z1");
        root.putArray("layers").addObject().put("type", "pqc").put("name", "q").put("input_size", 2)
                .put("n_qubits", 2).put("layers", 2).put("encoding", "qlstm_angle").put("entangler", "cnot_ring")
                .put("readout", "pauli_z").put("dephasing", 0.45);
        root.put("weights", "weights.safetensors");
        ModelFiles.write(repo.resolve("low-coherence/1"), root, List.of(
                Tensor.f32("q.input_proj.weight", new int[] {2, 2}, new float[] {0.5f, -0.3f, 0.2f, 0.7f}),
                Tensor.f32("q.input_proj.bias", new int[] {2}, new float[] {0.1f, -0.1f}),
                Tensor.f32("q.rotations", new int[] {2, 2, 3}, new float[] {0.3f, 1.1f, -0.4f, 0.9f, -0.6f, 0.2f,
                    -0.5f, 0.8f, 0.1f, 0.4f, -1.2f, 0.6f})), List.of());
        return repo;
    }

    private static boolean hasServer(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().anyMatch(e -> e.getName().startsWith("dev/quantumliquid/server/"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The Dockerfile's ENTRYPOINT with this JVM for /opt/java/openjdk/bin/java and local paths for /app. */
    private static Process startLikeTheEntrypoint(Path jar, Path models, int port, Path tmp) throws Exception {
        List<String> argv = new ArrayList<>();
        for (String a : DockerfileTest.entrypoint()) {
            argv.add(a.endsWith("/java") ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                    : a.equals(Server.JAR_IN_IMAGE) ? jar.toString()
                    : a.equals("-Djava.io.tmpdir=/tmp") ? "-Djava.io.tmpdir=" + tmp : a);
        }
        argv.addAll(List.of("--model-repository", models.toString(), "--port", String.valueOf(port)));
        Map<String, String> env = new HashMap<>();
        var config = Manifests.ofType(Manifests.render(Tools.deploy().resolve("k8s/base")),
                io.fabric8.kubernetes.api.model.ConfigMap.class).getFirst().getData();
        config.forEach((k, v) -> {
            if (!k.endsWith("_FILE") && !k.equals("QLNN_PORT") && !k.equals("QLNN_MODEL_REPOSITORY")) {
                env.put(k, v);
            }
        });
        env.put("QLNN_DRAIN_S", "2");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private void awaitReady(Process server, int port, Path tmp) {
        Await.until("server ready (log in " + tmp.resolve("server.log") + ")", Duration.ofSeconds(60), () -> {
            assertThat(server.isAlive()).as("server exited: %s", Tools.readString(tmp.resolve("server.log"))).isTrue();
            return send(HttpRequest.newBuilder(uri(port, "/ready")).build()).statusCode() == 200;
        });
    }

    private List<String> modelNames(int port) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(port, "/v2/repository/index"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode m : JSON.readTree(r.body())) {
            if ("READY".equalsIgnoreCase(m.path("state").asText()) && !names.contains(m.path("name").asText())) {
                names.add(m.path("name").asText());
            }
        }
        return names;
    }

    /** One OIP v2 request of 4 steps, shaped from the model's metadata. */
    private void infer(int port, String model) throws Exception {
        JsonNode meta = JSON.readTree(send(HttpRequest.newBuilder(uri(port, "/v2/models/" + model)).build()).body());
        JsonNode shape = meta.path("inputs").get(0).path("shape");
        int features = shape.get(shape.size() - 1).asInt();
        int steps = 4;
        ObjectNode body = JSON.createObjectNode();
        ObjectNode input = body.putArray("inputs").addObject();
        input.put("name", "input").put("datatype", "FP32");
        input.putArray("shape").add(1).add(steps).add(features);
        ArrayNode data = input.putArray("data");
        for (int i = 0; i < steps * features; i++) {
            data.add(Math.sin(i) * 0.5);
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(port, "/v2/models/" + model + "/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        assertThat(r.statusCode()).as("infer %s: %s", model, r.body()).isEqualTo(200);
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
