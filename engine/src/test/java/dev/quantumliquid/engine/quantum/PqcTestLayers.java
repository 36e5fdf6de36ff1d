package dev.quantumliquid.engine.quantum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.kernel.GateKernels;
import dev.quantumliquid.engine.layer.LayerSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Builds pqc layers from explicit or random weights for the tests. */
final class PqcTestLayers {
    static final ObjectMapper JSON = new ObjectMapper();

    private PqcTestLayers() {
    }

    static ObjectNode spec(int inputs, int n, int layers, double dephasing) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "pqc");
        o.put("input_size", inputs);
        o.put("n_qubits", n);
        o.put("layers", layers);
        o.put("encoding", "qlstm_angle");
        o.put("entangler", "cnot_ring");
        o.put("readout", "pauli_z");
        o.put("dephasing", dephasing);
        return o;
    }

    static LayerSource source(ObjectNode spec, double[] w, double[] b, double[] rot) {
        int inputs = spec.get("input_size").asInt();
        int n = spec.get("n_qubits").asInt();
        int layers = rot.length / (3 * n); // from the data, so a spec that disagrees can be refused
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("input_proj.weight", Tensor.f64("input_proj.weight", new int[] {n, inputs}, w));
        t.put("input_proj.bias", Tensor.f64("input_proj.bias", new int[] {n}, b));
        t.put("rotations", Tensor.f64("rotations", new int[] {layers, n, 3}, rot));
        return new LayerSource("test layer 'q'", "q", spec, new TensorFile("test weights", t, Map.of()), "");
    }

    static PqcLayer layer(ObjectNode spec, double[] w, double[] b, double[] rot, GateKernels k) {
        return PqcLayer.create(source(spec, w, b, rot), k);
    }

    /** A layer with weights uniform in [-1, 1) and rotation angles uniform in [-pi, pi). */
    static PqcLayer random(int inputs, int n, int layers, double dephasing, long seed, GateKernels k) {
        Random r = new Random(seed);
        double[] w = new double[n * inputs];
        double[] b = new double[n];
        double[] rot = new double[layers * n * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = 2 * r.nextDouble() - 1;
        }
        for (int i = 0; i < n; i++) {
            b[i] = 2 * r.nextDouble() - 1;
        }
        for (int i = 0; i < rot.length; i++) {
            rot[i] = (2 * r.nextDouble() - 1) * Math.PI;
        }
        return layer(spec(inputs, n, layers, dephasing), w, b, rot, k);
    }
}
