package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.wiring.Wiring;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trainable ncps 1.0.1 wired CfC (WiredCfCCell) as the engine's WiredCfcLayer computes it: one
 * backbone-free CfC cell per wiring layer, layer l fed [previous layer's new h | its own h], ff1 and
 * ff2 multiplied by the layer's sparsity mask (|adjacency| from the inputs, ones for the layer's own
 * h), time_a and time_b dense; the state is the layers' h in layer order, the output the last layer's h.
 * Modes default and no_gate; no mixed memory or projection.
 */
public final class TrainableWiredCfc implements TrainableLayer {
    private static final String[] HEADS = {"ff1", "ff2", "time_a", "time_b"};

    private final String name;
    private final int in;
    private final String mode;
    private final ObjectNode units;
    private final int[] size;     // [layers]
    private final int[] width;    // [layers] in_l + n_l
    private final int[] stateOff; // [layers]
    private final double[][] mask; // [layers][n_l * width_l]
    private final int[][] w, b;    // [layers][heads] offsets
    private final int total;
    private final Params p = new Params();

    private TrainableWiredCfc(String name, int inputSize, String mode, Wiring wiring, SplittableRandom r) {
        if (!mode.equals("default") && !mode.equals("no_gate")) {
            throw new TrainException(name + ": wired CfC training supports mode default or no_gate, got '" + mode + "'");
        }
        if (wiring.inputDim() != inputSize) {
            throw new TrainException(name + ": the wiring has " + wiring.inputDim() + " inputs, the layer " + inputSize);
        }
        this.name = name;
        this.in = inputSize;
        this.mode = mode;
        this.units = wiring.toJson();
        int[][] layers = wiring.layers();
        int[][] adj = wiring.adjacency();
        int[][] sens = wiring.sensoryAdjacency();
        int nl = layers.length;
        size = new int[nl];
        width = new int[nl];
        stateOff = new int[nl];
        mask = new double[nl][];
        w = new int[nl][HEADS.length];
        b = new int[nl][HEADS.length];
        int inL = inputSize;
        int so = 0;
        for (int l = 0; l < nl; l++) {
            int[] hidden = layers[l];
            int n = hidden.length;
            size[l] = n;
            width[l] = inL + n;
            stateOff[l] = so;
            so += n;
            double[] m = new double[n * width[l]]; // ncps: |[input_sparsity; ones(n, n)]|.T
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < inL; i++) {
                    int a = l == 0 ? sens[i][hidden[j]] : adj[layers[l - 1][i]][hidden[j]];
                    m[j * width[l] + i] = Math.abs(a);
                }
                for (int i = inL; i < width[l]; i++) {
                    m[j * width[l] + i] = 1.0;
                }
            }
            String pre = "rnn_cell.layer_" + l + ".";
            for (int k = 0; k < HEADS.length; k++) {
                w[l][k] = p.add(pre + HEADS[k] + ".weight", new int[] {n, width[l]}, Init.xavier(r, n, width[l]));
                b[l][k] = p.add(pre + HEADS[k] + ".bias", new int[] {n}, Init.linearBias(r, n, width[l]));
            }
            mask[l] = p.constant(pre + "sparsity_mask", new int[] {n, width[l]}, m);
            inL = n;
        }
        this.total = so;
    }

    /** A fresh layer over this wiring (xavier-uniform matrices, torch Linear biases). */
    public static TrainableWiredCfc create(String name, int inputSize, String mode, Wiring wiring, SplittableRandom r) {
        return new TrainableWiredCfc(name, inputSize, mode, wiring, r);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return size[size.length - 1];
    }

    @Override
    public int stateSize() {
        return total;
    }

    @Override
    public double[] params() {
        return p.values();
    }

    /** The hand-written batched kernel ({@link WiredCfcKernel}). */
    @Override
    public BatchKernel kernel() {
        return kernel(ColumnKernels.VECTOR);
    }

    @Override
    public BatchKernel kernel(ColumnKernels ops) {
        return new WiredCfcKernel(ops, in, mode.equals("no_gate"), size, width, mask, w, b);
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "ncps").put("name", name);
        ObjectNode s = j.putObject("spec");
        s.put("class", "CfC").put("input_size", in);
        s.set("units", units.deepCopy());
        s.put("mode", mode).put("mixed_memory", false).put("return_sequences", true);
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    @Override
    public Run begin(Tape t, int base) {
        boolean noGate = mode.equals("no_gate");
        return (x, state, dt) -> {
            int[] input = x;
            for (int l = 0; l < size.length; l++) {
                int n = size[l];
                int wl = width[l];
                int inL = wl - n;
                int[] cat = new int[wl];
                System.arraycopy(input, 0, cat, 0, inL);
                System.arraycopy(state, stateOff[l], cat, inL, n);
                int[] hNew = new int[n];
                for (int i = 0; i < n; i++) {
                    int ff1 = t.affine(base + w[l][0] + i * wl, cat, 0, wl, base + b[l][0] + i, mask[l], i * wl);
                    int ff2 = t.affine(base + w[l][1] + i * wl, cat, 0, wl, base + b[l][1] + i, mask[l], i * wl);
                    int ta = t.affine(base + w[l][2] + i * wl, cat, 0, wl, base + b[l][2] + i, null, 0);
                    int tb = t.affine(base + w[l][3] + i * wl, cat, 0, wl, base + b[l][3] + i, null, 0);
                    int f1 = t.tanh(ff1);
                    int f2 = t.tanh(ff2);
                    int g = t.sigmoid(t.add(t.scale(ta, dt), tb));
                    hNew[i] = noGate ? t.add(f1, t.mul(g, f2)) : t.add(t.mul(f1, t.shift(t.scale(g, -1.0), 1.0)), t.mul(g, f2));
                }
                System.arraycopy(hNew, 0, state, stateOff[l], n);
                input = hNew;
            }
            return input;
        };
    }
}
