package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.grad.Tape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as trainable layers in layer order: one flat parameter vector (layer by layer) for the
 * optimiser, a forward pass on a tape that reproduces {@link Model#predictReference}, and the
 * gradient of a per-sequence loss by one backward sweep through every time step.
 */
public final class TrainableModel {
    /** model.json fields besides the layers. */
    public record Info(String name, String description, int inputFeatures, List<String> outputNames, double sampleRateHz,
            String energyProfile) {
    }

    private final Info info;
    private final List<TrainableLayer> layers;
    private final int[] offsets; // [layers + 1] start of each layer's parameters in the flat vector

    public TrainableModel(Info info, List<TrainableLayer> layers) {
        this.info = info;
        this.layers = List.copyOf(layers);
        this.offsets = new int[layers.size() + 1];
        int prev = info.inputFeatures();
        for (int i = 0; i < layers.size(); i++) {
            TrainableLayer l = layers.get(i);
            if (l.inputSize() != prev) {
                throw new TrainException("layer " + i + " '" + l.name() + "' takes " + l.inputSize() + " inputs but receives " + prev);
            }
            prev = l.outputSize();
            offsets[i + 1] = offsets[i] + l.params().length;
        }
        if (prev != info.outputNames().size()) {
            throw new TrainException("the last layer gives " + prev + " outputs but there are " + info.outputNames().size() + " output names");
        }
    }

    /** Trainable layers of a loaded model, initialised from its tensors. */
    public static TrainableModel of(Model model) {
        ObjectNode root = model.json();
        ArrayNode lj = (ArrayNode) root.get("layers");
        List<TrainableLayer> twins = new ArrayList<>();
        for (int i = 0; i < lj.size(); i++) {
            twins.add(trainable((ObjectNode) lj.get(i), model.layers().get(i)));
        }
        var mi = model.info();
        return new TrainableModel(new Info(mi.name(), mi.description(), mi.inputFeatures(), mi.outputNames(),
                mi.sampleRateHz(), mi.energyProfile()), twins);
    }

    /** The trainable layer of one loaded engine layer, by its kind; its tensors are the initial values. */
    private static TrainableLayer trainable(ObjectNode json, Layer layer) {
        List<Tensor> t = layer.tensors();
        return switch (layer.kind()) {
            case DENSE -> TrainableDense.of(json, t);
            case SCALE -> TrainableScale.of(json, t);
            case PQC -> TrainablePqc.of(json, t);
            case LTC -> TrainableLtc.of(layer.name(), spec(json, layer), json.get("spec").get("units"), t);
            case CFC -> TrainableCfc.of(layer.name(), TrainableCfc.Config.of(spec(json, layer)), t);
            case WIRED_CFC -> throw new TrainException(layer.name() + ": loading a wired CfC back into a trainable layer is not"
                    + " supported yet (qlnn train --arch cfc --wiring trains one from scratch)");
        };
    }

    private static NcpsSpec spec(ObjectNode json, Layer layer) {
        return NcpsSpec.parse(json, layer.name());
    }

    public Info info() {
        return info;
    }

    public List<TrainableLayer> layers() {
        return layers;
    }

    public int parameterCount() {
        return offsets[layers.size()];
    }

    /** A copy of all parameters, layer by layer. */
    public double[] parameters() {
        double[] p = new double[parameterCount()];
        for (int i = 0; i < layers.size(); i++) {
            System.arraycopy(layers.get(i).params(), 0, p, offsets[i], offsets[i + 1] - offsets[i]);
        }
        return p;
    }

    /** Copies all parameters, layer by layer, into p (of {@link #parameterCount()} values). */
    public void parameters(double[] p) {
        if (p.length != parameterCount()) {
            throw new TrainException("parameter vector has " + p.length + " values, the model " + parameterCount());
        }
        for (int i = 0; i < layers.size(); i++) {
            System.arraycopy(layers.get(i).params(), 0, p, offsets[i], offsets[i + 1] - offsets[i]);
        }
    }

    public void setParameters(double[] p) {
        if (p.length != parameterCount()) {
            throw new TrainException("parameter vector has " + p.length + " values, the model " + parameterCount());
        }
        for (int i = 0; i < layers.size(); i++) {
            System.arraycopy(p, offsets[i], layers.get(i).params(), 0, offsets[i + 1] - offsets[i]);
        }
    }

    /** Per parameter: true when the optimiser may change it. */
    public boolean[] trainableMask() {
        boolean[] m = new boolean[parameterCount()];
        for (int i = 0; i < layers.size(); i++) {
            java.util.Arrays.fill(m, offsets[i], offsets[i + 1], layers.get(i).trainable());
        }
        return m;
    }

    public ObjectNode modelJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT).put("name", info.name()).put("description", info.description())
                .put("input_features", info.inputFeatures());
        ArrayNode on = root.putArray("output_names");
        info.outputNames().forEach(on::add);
        root.put("sample_rate_hz", info.sampleRateHz()).put("energy_profile", info.energyProfile());
        ArrayNode ls = root.putArray("layers");
        layers.forEach(l -> ls.add(l.json()));
        root.put("weights", "weights.safetensors");
        return root;
    }

    /** Every layer's tensors under "name." prefixes, float64. */
    public List<Tensor> weights() {
        List<Tensor> all = new ArrayList<>();
        for (TrainableLayer l : layers) {
            for (Tensor t : l.tensors()) {
                all.add(Tensor.f64(l.name() + "." + t.name(), t.shape(), t.toDoubleArray()));
            }
        }
        return all;
    }

    /** The engine model of the current parameters, exactly (float64 tensors, no file). */
    public Model toModel() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : weights()) {
            m.put(t.name(), t);
        }
        return ModelFiles.build(modelJson(), new TensorFile("trainer", m, Map.of()));
    }

    /** Forward pass of one sequence x[T][F] with time spans dt[T]; returns the output nodes [T][out]. */
    public int[][] forward(Tape t, double[][] x, double[] dt) {
        t.reset();
        double[] all = parameters();
        int base = t.size();
        for (double v : all) {
            t.leaf(v);
        }
        List<TrainableLayer.Run> runs = new ArrayList<>();
        List<int[]> states = new ArrayList<>();
        int zero = t.leaf(0.0);
        for (int i = 0; i < layers.size(); i++) {
            runs.add(layers.get(i).begin(t, base + offsets[i]));
            int[] st = new int[layers.get(i).stateSize()];
            java.util.Arrays.fill(st, zero);
            states.add(st);
        }
        int[][] out = new int[x.length][];
        for (int k = 0; k < x.length; k++) {
            int[] cur = new int[x[k].length];
            for (int f = 0; f < cur.length; f++) {
                cur[f] = t.leaf(x[k][f]);
            }
            for (int i = 0; i < runs.size(); i++) {
                cur = runs.get(i).step(cur, states.get(i), dt[k]);
            }
            out[k] = cur;
        }
        return out;
    }

    /** Output values [T][out] of one sequence. */
    public double[][] predict(Tape t, double[][] x, double[] dt) {
        int[][] nodes = forward(t, x, dt);
        double[][] y = new double[nodes.length][];
        for (int k = 0; k < nodes.length; k++) {
            y[k] = new double[nodes[k].length];
            for (int j = 0; j < y[k].length; j++) {
                y[k][j] = t.value(nodes[k][j]);
            }
        }
        return y;
    }

    /**
     * Loss sum_{k >= from, j} w_j (y_kj - target_kj)^2 of one sequence and its gradient, added into
     * grad (flat, layer by layer). Returns the loss.
     */
    public double lossAndGradient(Tape t, double[][] x, double[] dt, double[][] target, double[] w, int from, double[] grad) {
        int[][] y = forward(t, x, dt);
        int outs = y[0].length;
        int n = (y.length - from) * outs;
        int[] nodes = new int[n];
        double[] seeds = new double[n];
        double loss = 0;
        int k = 0;
        for (int s = from; s < y.length; s++) {
            for (int j = 0; j < outs; j++) {
                double e = t.value(y[s][j]) - target[s][j];
                loss += w[j] * e * e;
                nodes[k] = y[s][j];
                seeds[k++] = 2 * w[j] * e;
            }
        }
        t.backward(nodes, seeds, n);
        for (int i = 0; i < grad.length; i++) {
            grad[i] += t.grad(i);
        }
        return loss;
    }
}
