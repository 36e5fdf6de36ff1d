package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainable ncps CfC with integer units (CfCCell): optional mixed memory, backbone over [u | h], heads
 * in mode default / no_gate / pure, optional projection fc.
 */
public final class TrainableCfc implements TrainableLayer {
    private static final String P = "rnn_cell.";

    /** The CfC options this trainable layer supports (ncps names and defaults). */
    public record Config(int inputSize, int units, String mode, Activation activation, int backboneUnits,
            int backboneLayers, double backboneDropout, boolean mixedMemory, int projSize) {
        /** The options of an unwired CfC spec (no backbone units when it has no backbone layer). */
        static Config of(NcpsSpec spec) {
            return new Config(spec.inputSize(), spec.units(), spec.mode().json(), spec.activation(),
                    spec.backboneLayers() == 0 ? 0 : spec.backboneUnits(), spec.backboneLayers(), spec.backboneDropout(),
                    spec.mixedMemory(), spec.projSize());
        }
    }

    private final String name;
    private final Config c;
    private final int h;
    private final int z;
    private final Params p = new Params();
    private final TrainableMixedMemory mm; // null without mixed memory
    private final int[] bbW, bbB, bbIn; // [layers] offsets and input widths
    private final int[] headW, headB;   // [heads]
    private final int tau, amp, fcW, fcB;

    private TrainableCfc(String name, Config c, Map<String, Tensor> m, SplittableRandom r) {
        this.name = name;
        this.c = c;
        this.h = c.units();
        String where = name;
        if (!List.of("default", "pure", "no_gate").contains(c.mode())) {
            throw new TrainException(name + ": CfC mode must be default, pure or no_gate, got '" + c.mode() + "'");
        }
        int in = c.inputSize();
        this.mm = !c.mixedMemory() ? null : m == null ? TrainableMixedMemory.create(p, in, h, r) : TrainableMixedMemory.of(p, in, h, m, where);
        int width = in + h;
        int layers = c.backboneLayers();
        bbW = new int[layers];
        bbB = new int[layers];
        bbIn = new int[layers];
        for (int l = 0; l < layers; l++) {
            int idx = l == 0 ? 0 : c.backboneDropout() > 0.0 ? 3 * l - 1 : 2 * l;
            String b = P + "backbone." + idx + ".";
            int u = c.backboneUnits();
            bbIn[l] = width;
            bbW[l] = p.add(b + "weight", new int[] {u, width}, m == null ? Init.xavier(r, u, width) : Params.from(m, b + "weight", u * width, where));
            bbB[l] = p.add(b + "bias", new int[] {u}, m == null ? Init.linearBias(r, u, width) : Params.from(m, b + "bias", u, where));
            width = u;
        }
        this.z = width;
        String[] heads = c.mode().equals("pure") ? new String[] {"ff1"} : new String[] {"ff1", "ff2", "time_a", "time_b"};
        headW = new int[heads.length];
        headB = new int[heads.length];
        for (int i = 0; i < heads.length; i++) {
            String hn = P + heads[i] + ".";
            headW[i] = p.add(hn + "weight", new int[] {h, z}, m == null ? Init.xavier(r, h, z) : Params.from(m, hn + "weight", h * z, where));
            headB[i] = p.add(hn + "bias", new int[] {h}, m == null ? Init.linearBias(r, h, z) : Params.from(m, hn + "bias", h, where));
        }
        if (c.mode().equals("pure")) {
            tau = p.add(P + "w_tau", new int[] {1, h}, m == null ? new double[h] : Params.from(m, P + "w_tau", h, where));
            amp = p.add(P + "A", new int[] {1, h}, m == null ? Init.constant(h, 1.0) : Params.from(m, P + "A", h, where));
        } else {
            tau = -1;
            amp = -1;
        }
        if (c.projSize() > 0) {
            int q = c.projSize();
            fcW = p.add("fc.weight", new int[] {q, h}, m == null ? Init.xavier(r, q, h) : Params.from(m, "fc.weight", q * h, where));
            fcB = p.add("fc.bias", new int[] {q}, m == null ? Init.linearBias(r, q, h) : Params.from(m, "fc.bias", q, where));
        } else {
            fcW = -1;
            fcB = -1;
        }
    }

    /** A fresh layer: ncps init (xavier-uniform matrices, torch Linear biases; pure: w_tau 0, A 1). */
    public static TrainableCfc create(String name, Config c, SplittableRandom r) {
        return new TrainableCfc(name, c, null, r);
    }

    static TrainableCfc of(String name, Config c, List<Tensor> tensors) {
        return new TrainableCfc(name, c, Params.byName(tensors), null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return c.inputSize();
    }

    @Override
    public int outputSize() {
        return c.projSize() > 0 ? c.projSize() : h;
    }

    @Override
    public int stateSize() {
        return mm == null ? h : 2 * h;
    }

    @Override
    public double[] params() {
        return p.values();
    }

    /**
     * The hand-written batched kernel ({@link CfcKernel}, which applies backbone dropout in training
     * passes) for every option but mixed memory, which trains through the generic {@link TapeKernel}
     * (exact, slow; without dropout, so mixed memory with backbone_dropout above 0 is refused).
     */
    @Override
    public BatchKernel kernel() {
        return kernel(ColumnKernels.VECTOR);
    }

    @Override
    public BatchKernel kernel(ColumnKernels ops) {
        if (mm != null) {
            if (c.backboneDropout() > 0.0) { // the tape layer has no dropout: training it would ignore the option
                throw new TrainException(name + ": backbone_dropout " + c.backboneDropout() + " is trained without mixed_memory");
            }
            return new TapeKernel(this);
        }
        return new CfcKernel(ops, c, bbW, bbB, bbIn, headW, headB, tau, amp, fcW, fcB);
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "ncps").put("name", name);
        ObjectNode s = j.putObject("spec");
        s.put("class", "CfC").put("input_size", c.inputSize()).put("units", h).put("mode", c.mode())
                .put("activation", Activations.name(c.activation())).put("backbone_units", c.backboneUnits())
                .put("backbone_layers", c.backboneLayers()).put("backbone_dropout", c.backboneDropout())
                .put("mixed_memory", c.mixedMemory()).put("return_sequences", true);
        if (c.projSize() > 0) {
            s.put("proj_size", c.projSize());
        }
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    @Override
    public Run begin(Tape t, int base) {
        int zero = t.leaf(0.0);
        int[] absTau = new int[tau < 0 ? 0 : h];
        for (int i = 0; i < absTau.length; i++) {
            absTau[i] = t.abs(base + tau + i);
        }
        int in = c.inputSize();
        return (x, state, dt) -> {
            if (mm != null) {
                mm.step(t, base, zero, x, state);
            }
            int[] cur = new int[in + h];
            System.arraycopy(x, 0, cur, 0, in);
            System.arraycopy(state, 0, cur, in, h);
            for (int l = 0; l < bbW.length; l++) {
                int[] next = new int[c.backboneUnits()];
                for (int r = 0; r < next.length; r++) {
                    next[r] = Activations.apply(t, c.activation(),
                            t.affine(base + bbW[l] + r * bbIn[l], cur, 0, bbIn[l], base + bbB[l] + r, null, 0));
                }
                cur = next;
            }
            int[] hNew = new int[h];
            for (int i = 0; i < h; i++) {
                int ff1 = t.affine(base + headW[0] + i * z, cur, 0, z, base + headB[0] + i, null, 0);
                if (tau >= 0) {
                    int a = base + amp + i;
                    int e = t.exp(t.scale(t.add(absTau[i], t.abs(ff1)), -dt));
                    hNew[i] = t.add(t.scale(t.mul(t.mul(a, e), ff1), -1.0), a);
                    continue;
                }
                int ff2 = t.affine(base + headW[1] + i * z, cur, 0, z, base + headB[1] + i, null, 0);
                int ta = t.affine(base + headW[2] + i * z, cur, 0, z, base + headB[2] + i, null, 0);
                int tb = t.affine(base + headW[3] + i * z, cur, 0, z, base + headB[3] + i, null, 0);
                int f1 = t.tanh(ff1);
                int f2 = t.tanh(ff2);
                int g = t.sigmoid(t.add(t.scale(ta, dt), tb));
                hNew[i] = c.mode().equals("no_gate") ? t.add(f1, t.mul(g, f2))
                        : t.add(t.mul(f1, t.shift(t.scale(g, -1.0), 1.0)), t.mul(g, f2));
            }
            System.arraycopy(hNew, 0, state, 0, h);
            if (fcW < 0) {
                return hNew;
            }
            int[] y = new int[c.projSize()];
            for (int r = 0; r < y.length; r++) {
                y[r] = t.affine(base + fcW + r * h, hNew, 0, h, base + fcB + r, null, 0);
            }
            return y;
        };
    }
}
