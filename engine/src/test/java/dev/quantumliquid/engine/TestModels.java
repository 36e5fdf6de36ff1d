package dev.quantumliquid.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.ModelInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small dense + scale models built through the public model.json path, for tests of other packages. */
public final class TestModels {
    private TestModels() {
    }

    /** model.json of: scale "norm" [3] then dense "head" 3 -> 2 with tanh; sample rate 10 Hz. */
    public static ObjectNode denseScaleJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", "demo");
        root.put("description", "scale then dense, for tests");
        root.put("input_features", 3);
        root.putArray("output_names").add("y0").add("y1");
        root.put("sample_rate_hz", 10.0);
        root.put("energy_profile", "cortex-m4f");
        ArrayNode layers = root.putArray("layers");
        layers.addObject().put("type", "scale").put("name", "norm").put("size", 3);
        layers.addObject().put("type", "dense").put("name", "head").put("in", 3).put("out", 2).put("activation", "tanh");
        root.put("weights", "weights.safetensors");
        return root;
    }

    /** Weights matching {@link #denseScaleJson()}. */
    public static List<Tensor> denseScaleWeights() {
        return List.of(
                Tensor.f32("norm.scale", new int[] {3}, new float[] {0.5f, 2f, -1f}),
                Tensor.f32("norm.shift", new int[] {3}, new float[] {0.1f, 0f, -0.25f}),
                Tensor.f32("head.weight", new int[] {2, 3}, new float[] {0.3f, -0.7f, 1.1f, 0.05f, 0.9f, -0.4f}),
                Tensor.f32("head.bias", new int[] {2}, new float[] {0.01f, -0.2f}));
    }

    public static TensorFile file(String label, List<Tensor> tensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            m.put(t.name(), t);
        }
        return new TensorFile(label, m, Map.of());
    }

    public static Model denseScale() {
        return ModelFiles.build(denseScaleJson(), file("weights.safetensors", denseScaleWeights()));
    }

    /** Model info for hand-assembled layer lists (input features, output count, sample rate). */
    public static ModelInfo info(String name, int inputs, int outputs, double sampleRateHz) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("format", ModelFiles.FORMAT);
        json.put("name", name);
        List<String> outs = new java.util.ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add("y" + i);
        }
        return new ModelInfo(name, "", inputs, outs, sampleRateHz, "cortex-m4f", json);
    }

    /** A deterministic input batch x[B][T][F]. */
    public static float[][][] input(int b, int t, int f, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][][] x = new float[b][t][f];
        for (float[][] s : x) {
            for (float[] step : s) {
                for (int i = 0; i < f; i++) {
                    step[i] = (float) (r.nextDouble() * 4 - 2);
                }
            }
        }
        return x;
    }
}
