package dev.quantumliquid.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.io.InputFiles;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.NcpsImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The models the benchmarks run: a model version folder given by {@code -p modelDir=DIR}, or the
 * name of an ncps fixture of the engine's tests, imported into a temporary folder with NcpsImport.
 */
final class BenchModels {
    static final String FIXTURES = "engine/src/test/resources/fixtures";
    static final long SEED = 0x5EEDL;

    private BenchModels() {
    }

    /** A loaded model and the temporary folder it was imported into (to delete at tear-down), if any. */
    record Loaded(Model model, Path tempDir) {
        void close() {
            if (tempDir == null) {
                return;
            }
            try (Stream<Path> s = Files.walk(tempDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Loaded load(String modelDir) throws IOException {
        Path dir = Path.of(modelDir);
        if (Files.isRegularFile(dir.resolve(ModelFiles.MODEL_JSON))) {
            return new Loaded(ModelFiles.load(dir), null);
        }
        Path fixture = repoRoot().resolve(FIXTURES).resolve("ncps").resolve(modelDir);
        if (!Files.isDirectory(fixture)) {
            throw new IllegalArgumentException("modelDir '" + modelDir + "' is neither a model version folder (with "
                    + "model.json) nor an ncps fixture name under " + FIXTURES + "/ncps");
        }
        JsonNode spec = InputFiles.readJsonObject(fixture.resolve("spec.json"));
        TensorFile weights = InputFiles.readSafeTensors(fixture.resolve("weights.safetensors"));
        Path tmp = Files.createTempDirectory("qlnn-bench-");
        NcpsImport.write(tmp, modelDir, spec, weights);
        return new Loaded(ModelFiles.load(tmp), tmp);
    }

    /** Walks up from the working directory to the folder that holds the engine's test fixtures. */
    static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(FIXTURES))) {
                return p;
            }
        }
        throw new IllegalStateException("no " + FIXTURES + " above " + start
                + ": run from inside the repository, or pass -p modelDir=<model version folder>");
    }

    /** Rows x cols of N(0,1) floats from the fixed seed. */
    static float[][] gaussian(SplittableRandom rnd, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (float[] r : a) {
            for (int i = 0; i < cols; i++) {
                r[i] = (float) rnd.nextGaussian();
            }
        }
        return a;
    }
}
