package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.NcpsImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small models the CLI tests run on (dense and scale layers only), and the engine's ncps fixtures. */
final class TestModels {
    /** The engine's fixtures, relative to the cli module (surefire runs in the module directory). */
    static final Path FIXTURES = Path.of("../engine/src/test/resources/fixtures");

    private TestModels() {
    }

    /** scale(3) -> dense(3->4, tanh) -> dense(4->2): 3 input features, outputs "speed" and "angle". */
    static Path dense(Path dir) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", "tiny");
        root.put("description", "dense test model");
        root.put("input_features", 3);
        root.putArray("output_names").add("speed").add("angle");
        root.put("sample_rate_hz", 50.0);
        root.put("energy_profile", "cortex-m4f");
        var layers = root.putArray("layers");
        layers.addObject().put("type", "scale").put("name", "norm").put("size", 3);
        layers.addObject().put("type", "dense").put("name", "hidden").put("in", 3).put("out", 4).put("activation", "tanh");
        layers.addObject().put("type", "dense").put("name", "head").put("in", 4).put("out", 2).put("activation", "none");
        SplittableRandom rnd = new SplittableRandom(7);
        List<Tensor> w = new ArrayList<>();
        w.add(Tensor.f32("norm.scale", new int[] {3}, new float[] {0.5f, 2f, -1f}));
        w.add(Tensor.f32("norm.shift", new int[] {3}, new float[] {0.1f, 0f, -0.3f}));
        w.add(Tensor.f32("hidden.weight", new int[] {4, 3}, random(rnd, 12)));
        w.add(Tensor.f32("hidden.bias", new int[] {4}, random(rnd, 4)));
        w.add(Tensor.f32("head.weight", new int[] {2, 4}, random(rnd, 8)));
        w.add(Tensor.f32("head.bias", new int[] {2}, random(rnd, 2)));
        ModelFiles.write(dir, root, w, List.of());
        return dir;
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /**
     * True once the liquid (ncps) layers are implemented: importing a fixture then works; until then
     * the engine refuses with "not implemented". Any other failure is a real error and propagates.
     */
    static boolean liquidAvailable() {
        Path dir = FIXTURES.resolve("ncps/cfc_default_20_50");
        try {
            JsonNode spec = new ObjectMapper().readTree(dir.resolve("spec.json").toFile());
            TensorFile w = SafeTensors.read(dir.resolve("weights.safetensors"));
            NcpsImport.toModel("probe", spec, w);
            return true;
        } catch (EngineException e) {
            if (e.getMessage() != null && e.getMessage().contains("not implemented")) {
                return false;
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
