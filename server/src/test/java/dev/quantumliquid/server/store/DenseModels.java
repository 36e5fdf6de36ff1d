package dev.quantumliquid.server.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;
import java.util.List;

/** Small real models (scale then dense with tanh) for storage tests; {@code seed} makes versions differ. */
public final class DenseModels {
    public static final int FEATURES = 3;

    private DenseModels() {
    }

    /** Writes a model version folder at {@code dir}; returns it. */
    public static Path write(Path dir, String name, float seed) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", name);
        root.put("description", "storage test model " + seed);
        root.put("input_features", FEATURES);
        root.putArray("output_names").add("y0").add("y1");
        root.put("sample_rate_hz", 10.0);
        var layers = root.putArray("layers");
        layers.addObject().put("type", "scale").put("name", "norm").put("size", FEATURES);
        layers.addObject().put("type", "dense").put("name", "head").put("in", FEATURES).put("out", 2).put("activation", "tanh");
        List<Tensor> t = List.of(
                Tensor.f32("norm.scale", new int[] {FEATURES}, new float[] {0.5f, 2f, 1f}),
                Tensor.f32("norm.shift", new int[] {FEATURES}, new float[] {0.1f, -0.2f, 0f}),
                Tensor.f32("head.weight", new int[] {2, FEATURES}, new float[] {0.3f + seed, -0.7f, 0.25f, 0.9f, 0.05f - seed, -0.4f}),
                Tensor.f32("head.bias", new int[] {2}, new float[] {0.01f, seed}));
        ModelFiles.write(dir, root, t, List.of());
        return dir;
    }

    /** The model's first output for input (1, 1, 1), as the server would answer it: tells versions apart. */
    public static double firstOutput(float seed) {
        double x0 = 1 * 0.5 + 0.1;
        double x1 = 1 * 2 - 0.2;
        double x2 = 1;
        return Math.tanh((0.3f + seed) * x0 + -0.7f * x1 + 0.25f * x2 + 0.01f);
    }
}
