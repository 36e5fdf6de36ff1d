package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version folder as an attacker with write access to it would shape it: files swapped during a
 * load, FIFOs, links to devices and to files outside the folder, models too large for the heap.
 */
class ModelFilesUntrustedTest {
    @TempDir
    Path dir;

    private static final float[] INPUT = {1f, -2f, 0.5f};

    private static float[] output(Model m) {
        double[] y = m.predict(BatchInput.of(new float[][][] {{INPUT}})).output()[0][0];
        return new float[] {(float) y[0], (float) y[1]};
    }

    /**
     * One thread swaps weights.safetensors between the verified file and another one (atomic
     * renames, as an attacker or a careless deployment would) while loads run: every load that
     * succeeds must serve the verified weights. Hashing a file and then opening it again to parse it
     * served the other weights in about one load in eight.
     */
    @Test
    void aLoadServesExactlyTheBytesItVerified() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        float[] good = output(ModelFiles.load(dir));
        Path verified = dir.resolve("weights.safetensors");
        Path goodCopy = Files.copy(verified, dir.getParent().resolve(dir.getFileName() + "-good"));
        Path evil = dir.getParent().resolve(dir.getFileName() + "-evil");
        List<Tensor> other = TestModels.denseScaleWeights().stream().map(t -> t.name().equals("head.bias")
                ? Tensor.f32("head.bias", new int[] {2}, new float[] {5f, 5f}) : t).toList();
        SafeTensors.write(evil, other, Map.of("format", ModelFiles.FORMAT));
        AtomicBoolean run = new AtomicBoolean(true);
        Thread swapper = Thread.ofPlatform().start(() -> {
            Path tmp = dir.resolve(".swap");
            for (long i = 0; run.get(); i++) {
                try {
                    Files.copy(i % 2 == 0 ? evil : goodCopy, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, verified, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        int served = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 2000; i++) {
                try {
                    assertThat(output(ModelFiles.load(dir))).as("load %d served the verified weights", i).containsExactly(good);
                    served++;
                } catch (EngineException e) {
                    assertThat(e.getMessage()).contains("checksum mismatch");
                    refused++;
                }
            }
        } finally {
            run.set(false);
            swapper.join();
        }
        assertThat(served).as("loads that won the race still happen").isPositive();
        assertThat(refused).as("loads that saw the other file are refused").isPositive();
    }

    @Test
    void aFifoIsRefusedWithoutBeingOpened() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        Files.delete(dir.resolve("weights.safetensors"));
        Process mk = new ProcessBuilder("mkfifo", dir.resolve("weights.safetensors").toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
        assertThatThrownBy(() -> ModelFiles.load(dir)).isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: is not a regular file (a FIFO, device or folder); model files must be "
                        + "regular files in the version folder");
        Files.delete(dir.resolve("model.json"));
        Process mk2 = new ProcessBuilder("mkfifo", dir.resolve("model.json").toString()).start();
        assertThat(mk2.waitFor(10, TimeUnit.SECONDS) && mk2.exitValue() == 0).as("mkfifo").isTrue();
        assertThatThrownBy(() -> ModelFiles.load(dir)).hasMessageStartingWith("model.json: is not a regular file");
    }

    /** A checksum entry through a link would hash /dev/zero forever, or disclose the digest of any readable file. */
    @Test
    void linksAreRefusedWhateverTheyPointAt() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        Path secret = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-secret"), "outside the repository");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) ModelFiles.mapper().readTree(dir.resolve("model.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("checksums")).put("zero", "00".repeat(32))
                .put("leak", "00".repeat(32));
        Files.write(dir.resolve("model.json"), ModelFiles.mapper().writeValueAsBytes(root));
        Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        Files.createSymbolicLink(dir.resolve("leak"), secret);
        assertThatThrownBy(() -> ModelFiles.load(dir)).isInstanceOf(EngineException.class)
                .hasMessage("zero: is a symbolic link; model files must be regular files in the version folder");
        Files.delete(dir.resolve("zero"));
        Files.writeString(dir.resolve("zero"), "");
        root.with("checksums").put("zero", ModelFiles.sha256(new byte[0]));
        Files.write(dir.resolve("model.json"), ModelFiles.mapper().writeValueAsBytes(root));
        assertThatThrownBy(() -> ModelFiles.load(dir)).hasMessage("leak: is a symbolic link; model files must be "
                + "regular files in the version folder").message().doesNotContain(ModelFiles.sha256(Files.readAllBytes(secret)));
    }

    @Test
    void aVersionNeedingMoreHeapThanTheBudgetIsRefusedBeforeItIsRead() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        long files = Files.size(dir.resolve("model.json")) + Files.size(dir.resolve("weights.safetensors"));
        assertThat(ModelFiles.read(dir, 4 * files + 4 * files).model()).isNotNull();
        assertThatThrownBy(() -> ModelFiles.read(dir, files)).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("version folder: its files need about ").hasMessageContaining("more than the budget of");
    }

    @Test
    void theDigestIsThatOfModelJsonWhichPinsEveryFile() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        assertThat(ModelFiles.read(dir, Long.MAX_VALUE).digest()).isEqualTo(ModelFiles.sha256(Files.readAllBytes(dir.resolve("model.json"))));
    }

    /**
     * The check given to a load sees model.json's bytes before anything parses them (a refusal comes
     * before the parse error of a malformed model.json), and the version is built from those bytes.
     */
    @Test
    void theModelJsonCheckSeesTheBytesTheVersionIsBuiltFromBeforeTheyAreParsed() throws Exception {
        ModelFiles.write(dir, TestModels.denseScaleJson(), TestModels.denseScaleWeights(), List.of());
        List<String> seen = new java.util.ArrayList<>();
        ModelFiles.Loaded loaded = ModelFiles.read(dir, Long.MAX_VALUE, b -> seen.add(ModelFiles.sha256(b)));
        assertThat(seen).containsExactly(loaded.digest());
        Files.writeString(dir.resolve("model.json"), "{ not json");
        assertThatThrownBy(() -> ModelFiles.read(dir, Long.MAX_VALUE, b -> {
            throw new EngineException("refused by the check");
        })).hasMessage("refused by the check");
    }
}
