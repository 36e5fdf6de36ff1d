package dev.quantumliquid.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small real models written as version folders through the public model format, and the engine's reference fixtures. */
public final class TestModels {
    /** Input features of {@link #dense}. */
    public static final int FEATURES = 3;
    /** Outputs of {@link #dense}: y0 and y1. */
    public static final int OUTPUTS = 2;
    /**
     * The engine's reference fixtures (ncps and pqc cases, see its README), from a sibling module's
     * directory, where surefire runs.
     */
    public static final Path FIXTURES = Path.of("../engine/src/test/resources/fixtures");

    private TestModels() {
    }

    /**
     * Scale "norm" [3] then dense "head" 3 -> 2 with tanh, written at {@code dir}; weights shifted by
     * {@code seed} so two versions give different outputs. Returns {@code dir}.
     */
    public static Path dense(Path dir, String name, float seed) {
        return dense(dir, name, seed, "tanh");
    }

    /** As {@link #dense(Path, String, float)} with the head's {@code activation} (tanh, none, ...). */
    public static Path dense(Path dir, String name, float seed, String activation) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", name);
        root.put("description", "test dense model");
        root.put("input_features", FEATURES);
        root.putArray("output_names").add("y0").add("y1");
        root.put("sample_rate_hz", 10.0);
        var layers = root.putArray("layers");
        layers.addObject().put("type", "scale").put("name", "norm").put("size", FEATURES);
        layers.addObject().put("type", "dense").put("name", "head").put("in", FEATURES).put("out", OUTPUTS)
                .put("activation", activation);
        List<Tensor> t = List.of(
                Tensor.f32("norm.scale", new int[] {FEATURES}, new float[] {0.5f, 2f, 1f}),
                Tensor.f32("norm.shift", new int[] {FEATURES}, new float[] {0.1f, -0.2f, 0f}),
                Tensor.f32("head.weight", new int[] {OUTPUTS, FEATURES},
                        new float[] {0.3f + seed, -0.7f, 0.25f, 0.9f, 0.05f - seed, -0.4f}),
                Tensor.f32("head.bias", new int[] {OUTPUTS}, new float[] {0.01f, seed}));
        ModelFiles.write(dir, root, t, List.of());
        return dir;
    }

    /** {@link #dense(Path, String, float)} as version {@code version} of {@code name} in a model repository. */
    public static Path dense(Path repo, String name, long version, float seed) {
        return dense(repo.resolve(name).resolve(Long.toString(version)), name, seed);
    }

    /** The first output of {@link #dense} for input (1, 1, 1), worked out by hand: tells versions apart. */
    public static double denseFirstOutput(float seed) {
        double x0 = 1 * 0.5 + 0.1;
        double x1 = 1 * 2 - 0.2;
        double x2 = 1;
        return Math.tanh((0.3f + seed) * x0 + -0.7f * x1 + 0.25f * x2 + 0.01f);
    }

    /**
     * scale(3) -> dense(3 -> 4, tanh) -> dense(4 -> 2), outputs "speed" and "angle", 50 Hz, seeded
     * Gaussian weights; written at {@code dir}, which is returned.
     */
    public static Path mlp(Path dir) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
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
        w.add(Tensor.f32("hidden.weight", new int[] {4, 3}, gaussian(rnd, 12)));
        w.add(Tensor.f32("hidden.bias", new int[] {4}, gaussian(rnd, 4)));
        w.add(Tensor.f32("head.weight", new int[] {2, 4}, gaussian(rnd, 8)));
        w.add(Tensor.f32("head.bias", new int[] {2}, gaussian(rnd, 2)));
        ModelFiles.write(dir, root, w, List.of());
        return dir;
    }

    /** {@code n} standard Gaussian floats from {@code rnd}. */
    public static float[] gaussian(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
