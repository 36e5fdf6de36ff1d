package dev.quantumliquid.engine.liquid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.DType;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small hand-made ncps layers for tests: spec objects and state_dicts with seeded random weights. */
final class Tiny {
    static final String WHERE = "model.json: layer 0 'rnn'";

    private final Random rnd = new Random(7);
    final Map<String, Tensor> tensors = new LinkedHashMap<>();

    static JsonNodeFactory json() {
        return JsonNodeFactory.instance;
    }

    Tiny put(String name, double lo, double hi, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        tensors.put(name, new Tensor(name, DType.F32, shape, v));
        return this;
    }

    Tiny putValues(String name, double[] values, int... shape) {
        tensors.put(name, new Tensor(name, DType.F32, shape, values.clone()));
        return this;
    }

    TensorFile file() {
        return new TensorFile("weights.safetensors", new LinkedHashMap<>(tensors), Map.of());
    }

    Layer build(ObjectNode spec) {
        ObjectNode layer = json().objectNode();
        layer.put("type", "ncps");
        layer.put("name", "rnn");
        layer.set("spec", spec);
        return NcpsLayers.create(new LayerSource(WHERE, "rnn", layer, file(), ""));
    }

    /** A wiring object with the given adjacency (pre x post) and one layer per entry of {@code layers}. */
    static ObjectNode wiring(int[][] adjacency, int[][] sensory, int outputDim, int[]... layers) {
        ObjectNode w = json().objectNode();
        w.put("type", "custom");
        w.put("units", adjacency.length);
        w.put("output_dim", outputDim);
        w.put("input_dim", sensory.length);
        w.set("adjacency_matrix", matrix(adjacency));
        w.set("sensory_adjacency_matrix", matrix(sensory));
        if (layers.length > 0) {
            w.put("num_layers", layers.length);
            ArrayNode ls = w.putArray("layers");
            for (int[] l : layers) {
                ArrayNode a = ls.addArray();
                for (int id : l) {
                    a.add(id);
                }
            }
        }
        return w;
    }

    static ArrayNode matrix(int[][] m) {
        ArrayNode a = json().arrayNode();
        for (int[] row : m) {
            ArrayNode r = a.addArray();
            for (int v : row) {
                r.add(v);
            }
        }
        return a;
    }

    static double[] abs(int[][] m) {
        double[] d = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                d[i * m[0].length + j] = Math.abs(m[i][j]);
            }
        }
        return d;
    }

    /** Recurrent wiring of the tiny LTC: 3 neurons, 4 of 9 synapses present. */
    static final int[][] LTC_ADJ = {{0, 1, 0}, {-1, 0, 1}, {0, 0, 1}};
    /** Sensory wiring of the tiny LTC: 2 inputs, 3 of 6 synapses present. */
    static final int[][] LTC_SENS = {{1, 0, -1}, {0, 1, 0}};

    /** A 2-input, 3-neuron LTC with 1 motor neuron, affine mappings, tensors under rnn_cell.*. */
    static Tiny ltc() {
        Tiny t = new Tiny();
        int n = 3;
        int s = 2;
        t.put("rnn_cell.gleak", 0.1, 1, n).put("rnn_cell.vleak", -0.2, 0.2, n).put("rnn_cell.cm", 0.4, 0.6, n)
                .put("rnn_cell.sigma", 3, 8, n, n).put("rnn_cell.mu", 0.3, 0.8, n, n).put("rnn_cell.w", 0.01, 1, n, n)
                .put("rnn_cell.erev", -1, 1, n, n)
                .put("rnn_cell.sensory_sigma", 3, 8, s, n).put("rnn_cell.sensory_mu", 0.3, 0.8, s, n)
                .put("rnn_cell.sensory_w", 0.01, 1, s, n).put("rnn_cell.sensory_erev", -1, 1, s, n)
                .putValues("rnn_cell.sparsity_mask", abs(LTC_ADJ), n, n)
                .putValues("rnn_cell.sensory_sparsity_mask", abs(LTC_SENS), s, n)
                .put("rnn_cell.input_w", 0.5, 1.5, s).put("rnn_cell.input_b", -0.1, 0.1, s)
                .put("rnn_cell.output_w", 0.5, 1.5, 1).put("rnn_cell.output_b", -0.1, 0.1, 1);
        return t;
    }

    static ObjectNode ltcSpec() {
        ObjectNode spec = json().objectNode();
        spec.put("class", "LTC");
        spec.put("input_size", 2);
        spec.set("units", wiring(LTC_ADJ, LTC_SENS, 1, new int[] {2}, new int[] {1}, new int[] {0}));
        spec.put("ode_unfolds", 2);
        return spec;
    }

    /** A 2-input, 3-unit CfC with one 4-unit lecun_tanh backbone layer, default mode. */
    static Tiny cfc() {
        Tiny t = new Tiny();
        t.put("rnn_cell.backbone.0.weight", -0.5, 0.5, 4, 5).put("rnn_cell.backbone.0.bias", -0.1, 0.1, 4);
        for (String head : new String[] {"ff1", "ff2", "time_a", "time_b"}) {
            t.put("rnn_cell." + head + ".weight", -0.5, 0.5, 3, 4).put("rnn_cell." + head + ".bias", -0.1, 0.1, 3);
        }
        return t;
    }

    static ObjectNode cfcSpec() {
        ObjectNode spec = json().objectNode();
        spec.put("class", "CfC");
        spec.put("input_size", 2);
        spec.put("units", 3);
        spec.put("backbone_units", 4);
        return spec;
    }
}
