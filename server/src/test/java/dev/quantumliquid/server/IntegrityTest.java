package dev.quantumliquid.server;

import dev.quantumliquid.server.app.ServerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.repository.ModelLoader;
import dev.quantumliquid.server.signing.ModelSignatures;
import dev.quantumliquid.server.signing.SigningException;
import dev.quantumliquid.server.signing.SigningKeys;
import dev.quantumliquid.server.signing.TrustedKeys;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository against hostile or failing version folders, over a real server: replaced files
 * never answer from the old content, FIFOs and stuck loads never hold the repository, and a load
 * that runs out of memory leaves the version UNAVAILABLE with polling still alive; with trusted keys,
 * a model.json swapped in during a load never serves unless it is the one whose signature held.
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

    /** A FIFO named model.json must hang neither the first scan nor any management call after it. */
    @Test
    void aFifoNeitherHangsStartNorTheRepositoryApi() throws Exception {
        TestModels.dense(repo, "dense", 1, 0f);
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
        TestModels.dense(repo, "dense", 1, 0f);
        TestModels.dense(repo, "stuck", 1, 0f);
        CountDownLatch release = new CountDownLatch(1);
        ModelLoader stuck = (dir, budget, check) -> {
            if (dir.getParent().getFileName().toString().equals("stuck")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return TestLoaders.LOADER.load(dir, budget, check);
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
     * model too large for the heap) leaves the version UNAVAILABLE, never LOADING for good, and polling goes on.
     */
    @Test
    void aLoadThatRunsOutOfMemoryLeavesTheVersionUnavailableAndPollingAlive() throws Exception {
        TestModels.dense(repo, "dense", 1, 0f);
        ModelLoader oom = (dir, budget, check) -> {
            if (dir.getParent().getFileName().toString().equals("huge")) {
                throw new OutOfMemoryError("Java heap space");
            }
            return TestLoaders.LOADER.load(dir, budget, check);
        };
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_POLL_INTERVAL_S", "0.05")), oom)) {
            TestModels.dense(repo, "huge", 1, 0f);
            Await.until("the huge version is refused", () -> state(s, "huge", "1").startsWith("UNAVAILABLE"));
            assertThat(state(s, "huge", "1")).contains("out of memory while loading");
            TestModels.dense(repo, "dense", 2, 0.5f);
            Await.until("polling still picks up new versions", () -> state(s, "dense", "2").startsWith("READY"));
        }
    }

    /** Real files whose weights would need more heap than QLNN_MODEL_MEMORY_MB are refused before they are read. */
    @Test
    void aVersionBeyondTheMemoryBudgetIsRefusedWithItsReason() throws Exception {
        TestModels.dense(repo, "dense", 1, 0f);
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

    /**
     * A signed version folder {@code repo/demo/1} whose signature.json is by the trusted key
     * {@code release}, plus an unsigned look-alike: a model.json beside it (returned) that pins
     * other weights, which sit in the folder as evil.safetensors.
     */
    private static Path signedWithLookAlike(Path repo, Path keys) throws IOException {
        SigningKeys.generate("release", keys);
        Path dir = TestModels.dense(repo, "demo", 1, 0f);
        ModelSignatures.sign(dir, keys.resolve("release.key"));
        Path evil = TestModels.dense(keys, "evil", 1, 0.5f);
        ObjectNode json = (ObjectNode) ModelFiles.mapper().readTree(evil.resolve("model.json").toFile());
        json.put("weights", "evil.safetensors");
        ObjectNode sums = (ObjectNode) json.get("checksums");
        sums.set("evil.safetensors", sums.remove("weights.safetensors"));
        Files.copy(evil.resolve("weights.safetensors"), dir.resolve("evil.safetensors"));
        return Files.write(keys.resolve("evil-model.json"), ModelFiles.mapper().writeValueAsBytes(json));
    }

    private static TrustedKeys trusted(Path keys) throws IOException {
        Path pub = Files.createDirectories(keys.resolve("trusted"));
        Files.copy(keys.resolve("release.pub"), pub.resolve("release.pub"));
        return TrustedKeys.load(pub);
    }

    /**
     * A model.json replaced between a signature check and the load must never be served. Here a loader hook swaps it right before the loader reads the folder: the
     * version must be refused for a bad signature, and serve again once the signed model.json is back.
     */
    @Test
    void aModelJsonSwappedInDuringASignedLoadIsRefusedNotServed(@TempDir Path keys) throws Exception {
        Path lookAlike = signedWithLookAlike(repo, keys);
        Path modelJson = repo.resolve("demo/1/model.json");
        byte[] signed = Files.readAllBytes(modelJson);
        trusted(keys);
        AtomicBoolean swapped = new AtomicBoolean();
        ModelLoader swapping = (dir, budget, check) -> {
            if (swapped.compareAndSet(false, true)) {
                try {
                    Files.move(lookAlike, modelJson, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return TestLoaders.LOADER.load(dir, budget, check);
        };
        ServerConfig config = TestServer.config(repo, Map.of("QLNN_TRUSTED_KEYS", keys.resolve("trusted").toString()));
        try (TestServer s = TestServer.start(config, swapping)) {
            assertThat(swapped).as("the hook ran").isTrue();
            assertThat(state(s, "demo", "1")).isEqualTo(
                    "UNAVAILABLE: bad signature: model.json does not match the signature by key 'release'");
            ObjectNode ones = Bodies.infer(new float[][][] {{{1f, 1f, 1f}}});
            assertThat(s.post("/v2/models/demo/infer", ones).status()).isNotEqualTo(200);

            Files.write(modelJson, signed);
            ok(s.post("/v2/repository/models/demo/load", ""));
            assertThat(state(s, "demo", "1")).startsWith("READY");
            assertThat(Bodies.output(ok(s.post("/v2/models/demo/infer", ones)), "output")[0]).as("the signed model's answer")
                    .isCloseTo((float) TestModels.denseFirstOutput(0f), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    /**
     * A real swap racing the loads: model.json flips between the signed one and the look-alike while
     * the signature-checking loader loads the folder again and again. Every load either serves the
     * signed bytes or is refused for a bad signature; none serves the look-alike.
     */
    @Test
    void underAModelJsonSwapRaceOnlyTheSignedModelJsonEverLoads(@TempDir Path keys) throws Exception {
        Path lookAlike = signedWithLookAlike(repo, keys);
        Path dir = repo.resolve("demo/1");
        Path signedCopy = Files.copy(dir.resolve("model.json"), keys.resolve("signed-model.json"));
        String signedDigest = ModelFiles.sha256(Files.readAllBytes(signedCopy));
        ModelLoader loader = ModelFiles::read;
        ModelLoader signedOnly = loader.requiring(trusted(keys)::requireSigned);
        AtomicBoolean run = new AtomicBoolean(true);
        Thread swapper = Thread.ofPlatform().start(() -> {
            Path tmp = dir.resolve(".swap");
            for (long i = 0; run.get(); i++) {
                try {
                    Files.copy(i % 2 == 0 ? lookAlike : signedCopy, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dir.resolve("model.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        int served = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 20_000 && (served < 20 || refused < 20); i++) {
                try {
                    assertThat(signedOnly.load(dir, Long.MAX_VALUE).digest()).as("load %d served the signed model.json", i)
                            .isEqualTo(signedDigest);
                    served++;
                } catch (SigningException e) {
                    assertThat(e.getMessage()).contains("bad signature");
                    refused++;
                } catch (EngineException e) {
                    // renamed between the loader's look at the file and its open: refused as well
                    assertThat(e.getMessage()).contains("model.json: ").contains("while being read");
                }
            }
        } finally {
            run.set(false);
            swapper.join();
        }
        assertThat(served).as("loads that read the signed model.json serve").isPositive();
        assertThat(refused).as("loads that read the look-alike are refused").isPositive();
    }

    /** A loader that does not hand model.json to the check cannot pass a signature requirement by skipping it. */
    @Test
    void aLoaderThatSkipsTheCheckFailsClosed(@TempDir Path keys) throws Exception {
        signedWithLookAlike(repo, keys);
        ModelLoader skipping = (dir, budget, check) -> ModelFiles.read(dir, budget);
        ModelLoader signedOnly = skipping.requiring(trusted(keys)::requireSigned);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> signedOnly.load(repo.resolve("demo/1"), Long.MAX_VALUE))
                .hasMessage("model.json: the version was not built from the model.json that was checked");
    }
}
