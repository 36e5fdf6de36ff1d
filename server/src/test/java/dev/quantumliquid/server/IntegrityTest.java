package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.repository.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository against hostile or failing version folders, over a real server: replaced files
 * never answer from the old content, FIFOs and stuck loads never hold the repository, and a load
 * that runs out of memory leaves the version UNAVAILABLE with polling still alive.
 */
class IntegrityTest {
    @TempDir
    Path repo;

    /** The shipped demo (a recurrent CfC with a quantum circuit), copied from the test resources. */
    static Path writeDemo(Path repo, String name, long version) throws IOException {
        Path dir = Files.createDirectories(repo.resolve(name).resolve(Long.toString(version)));
        for (String f : List.of("model.json", "weights.safetensors", "calibration.safetensors")) {
            try (InputStream in = IntegrityTest.class.getResourceAsStream("/demo/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String state(TestServer s, String model, String version) {
        for (JsonNode e : s.post("/v2/repository/index", "").json()) {
            if (e.get("name").asText().equals(model) && e.path("version").asText().equals(version)) {
                return e.get("state").asText() + ": " + e.get("reason").asText();
            }
        }
        return "absent";
    }

    private static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /**
     * Rewriting version 1 in place with other weights: the same request must be computed again on
     * the new weights (no cache hit with the old answer), and a token of the old content is refused.
     */
    @Test
    void replacingAVersionsFilesNeverAnswersFromTheOldContent() throws Exception {
        Path dir = writeDemo(repo, "demo", 1);
        ObjectNode body = Bodies.infer(Bodies.input(1, 4, 1, 0.2f));
        try (TestServer s = TestServer.start(repo, Map.of())) {
            JsonNode first = ok(s.post("/v2/models/demo/infer", body));
            assertThat(first.at("/parameters/cache_hit").asBoolean()).isFalse();
            assertThat(ok(s.post("/v2/models/demo/infer", body)).at("/parameters/cache_hit").asBoolean()).isTrue();
            String token = first.at("/parameters/state").asText();
            assertThat(token).isNotEmpty();

            List<Tensor> weights = new ArrayList<>(SafeTensors.read(dir.resolve("weights.safetensors")).tensors().values());
            int last = weights.size() - 1;
            Tensor t = weights.get(last);
            double[] v = t.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.25;
            }
            weights.set(last, new Tensor(t.name(), t.dtype(), t.shape(), v));
            ObjectNode json = (ObjectNode) ModelFiles.mapper().readTree(dir.resolve("model.json").toFile());
            json.remove("checksums");
            List<Tensor> calibration = List.copyOf(SafeTensors.read(dir.resolve("calibration.safetensors")).tensors().values());
            ModelFiles.write(dir, json, weights, calibration);
            ok(s.post("/v2/repository/models/demo/load", ""));

            JsonNode again = ok(s.post("/v2/models/demo/infer", body));
            assertThat(again.at("/parameters/cache_hit").asBoolean()).as("no answer from the replaced content").isFalse();
            assertThat(Bodies.output(again, "output")).isNotEqualTo(Bodies.output(first, "output"));
            ObjectNode next = Bodies.infer(Bodies.input(1, 1, 1, 0.3f));
            next.putObject("parameters").put("state", token);
            Response r = s.post("/v2/models/demo/infer", next);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).startsWith("state: ").contains("files were replaced");
        }
    }

    /** A FIFO named model.json used to hang the first scan, and every management call after it, for good. */
    @Test
    void aFifoNeitherHangsStartNorTheRepositoryApi() throws Exception {
        TestModels.writeDense(repo, "dense", 1, 0f);
        Path fifo = Files.createDirectories(repo.resolve("fifo").resolve("1")).resolve("model.json");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer s = TestServer.start(repo, Map.of())) {
                assertThat(state(s, "fifo", "1")).isEqualTo("UNAVAILABLE: model.json: is not a regular file (a FIFO, "
                        + "device or folder); model files must be regular files in the version folder");
                Response r = s.post("/v2/repository/models/fifo/load", "");
                assertThat(r.status()).isEqualTo(400);
                ok(s.post("/v2/repository/models/dense/load", ""));
            }
        });
    }

    /** A load that blocks (a hung mount, a FIFO swapped in after the check) is abandoned after QLNN_LOAD_TIMEOUT_S. */
    @Test
    void aStuckLoadIsAbandonedAndTheRepositoryStaysAnswerable() throws Exception {
        TestModels.writeDense(repo, "dense", 1, 0f);
        TestModels.writeDense(repo, "stuck", 1, 0f);
        CountDownLatch release = new CountDownLatch(1);
        ModelLoader stuck = (dir, budget) -> {
            if (dir.getParent().getFileName().toString().equals("stuck")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TestModels.LOADER.load(dir, budget);
        };
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_LOAD_TIMEOUT_S", "0.5")), stuck)) {
            assertThat(state(s, "stuck", "1")).startsWith("UNAVAILABLE: loading took longer than QLNN_LOAD_TIMEOUT_S=0.5 s");
            ok(s.post("/v2/repository/models/dense/load", ""));
            ok(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2,3]}"));
        } finally {
            release.countDown();
        }
    }

    /**
     * An OutOfMemoryError while loading (here thrown by a fault wrapper, as the JVM throws it for a
     * model too large for the heap) used to leave the version LOADING for good and end polling.
     */
    @Test
    void aLoadThatRunsOutOfMemoryLeavesTheVersionUnavailableAndPollingAlive() throws Exception {
        TestModels.writeDense(repo, "dense", 1, 0f);
        ModelLoader oom = (dir, budget) -> {
            if (dir.getParent().getFileName().toString().equals("huge")) {
                throw new OutOfMemoryError("Java heap space");
            }
            return TestModels.LOADER.load(dir, budget);
        };
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_POLL_INTERVAL_S", "0.05")), oom)) {
            TestModels.writeDense(repo, "huge", 1, 0f);
            await("the huge version is refused", () -> state(s, "huge", "1").startsWith("UNAVAILABLE"));
            assertThat(state(s, "huge", "1")).contains("out of memory while loading");
            TestModels.writeDense(repo, "dense", 2, 0.5f);
            await("polling still picks up new versions", () -> state(s, "dense", "2").startsWith("READY"));
        }
    }

    /** Real files whose weights would need more heap than QLNN_MODEL_MEMORY_MB are refused before they are read. */
    @Test
    void aVersionBeyondTheMemoryBudgetIsRefusedWithItsReason() throws Exception {
        TestModels.writeDense(repo, "dense", 1, 0f);
        Path big = repo.resolve("big").resolve("1");
        ObjectNode json = ModelFiles.mapper().createObjectNode().put("format", ModelFiles.FORMAT).put("name", "big")
                .put("input_features", 512);
        var outs = json.putArray("output_names");
        for (int i = 0; i < 512; i++) {
            outs.add("y" + i);
        }
        json.putArray("layers").addObject().put("type", "dense").put("name", "head").put("in", 512).put("out", 512)
                .put("activation", "tanh");
        ModelFiles.write(big, json, List.of(Tensor.f32("head.weight", new int[] {512, 512}, new float[512 * 512]),
                Tensor.f32("head.bias", new int[] {512}, new float[512])), List.of());
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_MODEL_MEMORY_MB", "2"))) {
            assertThat(state(s, "big", "1")).startsWith("UNAVAILABLE: version folder: its files need about 5 MiB of heap")
                    .contains("more than the budget of 2 MiB");
            assertThat(state(s, "dense", "1")).startsWith("READY");
        }
    }
}
