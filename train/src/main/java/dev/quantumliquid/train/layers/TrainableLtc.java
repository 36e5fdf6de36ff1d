package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.batch.BatchKernel;
import dev.quantumliquid.train.grad.Tape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainable ncps LTC (LTCCell): sensory synapses, ode_unfolds semi-implicit Euler unfolds over the
 * masked recurrent synapses, motor outputs through the output mapping; implicit softplus
 * constraints on or off, optional mixed memory. Masks are constants, never trained.
 */
public final class TrainableLtc implements TrainableLayer {
    private static final String P = "rnn_cell.";

    /** LTC options (ncps names; mappings "affine", "linear" or "none"). */
    public record Config(int inputSize, int units, int motors, String inputMapping, String outputMapping, int odeUnfolds,
            double epsilon, boolean implicitConstraints, boolean mixedMemory) {
    }

    private final String name;
    private final Config c;
    private final ObjectNode units; // the spec's units: an int, or the wiring object it was loaded with
    private final int n, s, m;
    private final Params p = new Params();
    private final TrainableMixedMemory mm;
    private final int gleak, vleak, cm, sigma, mu, w, erev, sSigma, sMu, sW, sErev, inW, inB, outW, outB;
    private final double[] mask, sMask; // [n][n], [s][n] constants

    private TrainableLtc(String name, Config c, ObjectNode units, Map<String, Tensor> t, SplittableRandom r,
            double[] adjacency, double[] sensoryAdjacency) {
        this.name = name;
        this.c = c;
        this.units = units;
        this.n = c.units();
        this.s = c.inputSize();
        this.m = c.motors();
        for (String map : List.of(c.inputMapping(), c.outputMapping())) {
            if (!List.of("affine", "linear", "none").contains(map)) {
                throw new TrainException(name + ": LTC mapping must be affine, linear or none, got '" + map + "'");
            }
        }
        boolean fresh = t == null;
        int nn = n * n;
        int sn = s * n;
        // ncps LTCCell._init_ranges, drawn in this order.
        gleak = p.add(P + "gleak", new int[] {n}, fresh ? Init.uniform(r, n, 0.001, 1.0) : Params.from(t, P + "gleak", n, name));
        vleak = p.add(P + "vleak", new int[] {n}, fresh ? Init.uniform(r, n, -0.2, 0.2) : Params.from(t, P + "vleak", n, name));
        cm = p.add(P + "cm", new int[] {n}, fresh ? Init.uniform(r, n, 0.4, 0.6) : Params.from(t, P + "cm", n, name));
        sigma = p.add(P + "sigma", new int[] {n, n}, fresh ? Init.uniform(r, nn, 3, 8) : Params.from(t, P + "sigma", nn, name));
        mu = p.add(P + "mu", new int[] {n, n}, fresh ? Init.uniform(r, nn, 0.3, 0.8) : Params.from(t, P + "mu", nn, name));
        w = p.add(P + "w", new int[] {n, n}, fresh ? Init.uniform(r, nn, 0.001, 1.0) : Params.from(t, P + "w", nn, name));
        erev = p.add(P + "erev", new int[] {n, n}, fresh ? adjacency.clone() : Params.from(t, P + "erev", nn, name));
        sSigma = p.add(P + "sensory_sigma", new int[] {s, n}, fresh ? Init.uniform(r, sn, 3, 8) : Params.from(t, P + "sensory_sigma", sn, name));
        sMu = p.add(P + "sensory_mu", new int[] {s, n}, fresh ? Init.uniform(r, sn, 0.3, 0.8) : Params.from(t, P + "sensory_mu", sn, name));
        sW = p.add(P + "sensory_w", new int[] {s, n}, fresh ? Init.uniform(r, sn, 0.001, 1.0) : Params.from(t, P + "sensory_w", sn, name));
        sErev = p.add(P + "sensory_erev", new int[] {s, n}, fresh ? sensoryAdjacency.clone() : Params.from(t, P + "sensory_erev", sn, name));
        mask = p.constant(P + "sparsity_mask", new int[] {n, n}, fresh ? abs(adjacency) : Params.from(t, P + "sparsity_mask", nn, name));
        sMask = p.constant(P + "sensory_sparsity_mask", new int[] {s, n},
                fresh ? abs(sensoryAdjacency) : Params.from(t, P + "sensory_sparsity_mask", sn, name));
        inW = c.inputMapping().equals("none") ? -1 : p.add(P + "input_w", new int[] {s}, fresh ? Init.constant(s, 1) : Params.from(t, P + "input_w", s, name));
        inB = !c.inputMapping().equals("affine") ? -1 : p.add(P + "input_b", new int[] {s}, fresh ? new double[s] : Params.from(t, P + "input_b", s, name));
        outW = c.outputMapping().equals("none") ? -1 : p.add(P + "output_w", new int[] {m}, fresh ? Init.constant(m, 1) : Params.from(t, P + "output_w", m, name));
        outB = !c.outputMapping().equals("affine") ? -1 : p.add(P + "output_b", new int[] {m}, fresh ? new double[m] : Params.from(t, P + "output_b", m, name));
        this.mm = !c.mixedMemory() ? null : fresh ? TrainableMixedMemory.create(p, s, n, r) : TrainableMixedMemory.of(p, s, n, t, name);
    }

    private static double[] abs(double[] a) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = Math.abs(a[i]);
        }
        return v;
    }

    /**
     * A fresh layer over a given adjacency ([n][n] and [s][n], entries -1/0/+1: erev is the
     * adjacency, masks its absolute value, as ncps initialises them).
     */
    public static TrainableLtc create(String name, Config c, ObjectNode units, double[] adjacency, double[] sensoryAdjacency,
            SplittableRandom r) {
        return new TrainableLtc(name, c, units, null, r, adjacency, sensoryAdjacency);
    }

    static TrainableLtc of(String name, Config c, ObjectNode units, List<Tensor> tensors) {
        return new TrainableLtc(name, c, units, Params.byName(tensors), null, null, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return s;
    }

    @Override
    public int outputSize() {
        return m;
    }

    @Override
    public int stateSize() {
        return mm == null ? n : 2 * n;
    }

    @Override
    public double[] params() {
        return p.values();
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "ncps").put("name", name);
        ObjectNode sp = j.putObject("spec");
        sp.put("class", "LTC").put("input_size", s);
        if (units == null) {
            sp.put("units", n);
        } else {
            sp.set("units", units.deepCopy());
        }
        sp.put("input_mapping", c.inputMapping()).put("output_mapping", c.outputMapping())
                .put("ode_unfolds", c.odeUnfolds()).put("epsilon", c.epsilon())
                .put("implicit_param_constraints", c.implicitConstraints()).put("mixed_memory", c.mixedMemory())
                .put("return_sequences", true);
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    /** The hand-written batched kernel (Vector API twin); see {@link LtcKernel}. */
    @Override
    public BatchKernel kernel() {
        return kernel(LtcLoops.VECTOR, LtcKernel.ACT_BUDGET);
    }

    /**
     * The batched kernel over the given hot loops (the scalar reference or the vector twin), keeping at
     * most actBudget synapse sigmoids for the backward sweep.
     */
    BatchKernel kernel(LtcLoops loops, long actBudget) {
        LtcKernel.Layout o = new LtcKernel.Layout(gleak, vleak, cm, sigma, mu, w, erev, sSigma, sMu, sW, sErev, inW, inB, outW, outB,
                mm == null ? -1 : p.offset(TrainableMixedMemory.INPUT_W), mm == null ? -1 : p.offset(TrainableMixedMemory.INPUT_B),
                mm == null ? -1 : p.offset(TrainableMixedMemory.RECURRENT_W));
        return new LtcKernel(c, o, mask, sMask, loops, actBudget);
    }

    private int positive(Tape t, int node) {
        return c.implicitConstraints() ? t.softplus(node) : node;
    }

    @Override
    public Run begin(Tape t, int b) {
        int zero = t.leaf(0.0);
        int[] fGleak = new int[n];
        int[] fCm = new int[n];
        int[] gv = new int[n];
        for (int j = 0; j < n; j++) {
            fGleak[j] = positive(t, b + gleak + j);
            fCm[j] = positive(t, b + cm + j);
            gv[j] = t.mul(fGleak[j], b + vleak + j);
        }
        int[] fW = new int[n * n];
        for (int e = 0; e < fW.length; e++) {
            fW[e] = mask[e] != 0.0 ? positive(t, b + w + e) : -1;
        }
        int[] fSW = new int[s * n];
        for (int e = 0; e < fSW.length; e++) {
            fSW[e] = sMask[e] != 0.0 ? positive(t, b + sW + e) : -1;
        }
        int k = c.odeUnfolds();
        int[] a = new int[Math.max(n, s)];
        int[] ev = new int[Math.max(n, s)];
        return (x, state, dt) -> {
            if (mm != null) {
                mm.step(t, b, zero, x, state);
            }
            int[] xin = new int[s];
            for (int i = 0; i < s; i++) {
                xin[i] = inW < 0 ? x[i] : inB < 0 ? t.mul(x[i], b + inW + i) : t.add(t.mul(x[i], b + inW + i), b + inB + i);
            }
            int[] ns = new int[n];
            int[] ds = new int[n];
            for (int j = 0; j < n; j++) {
                int cnt = 0;
                for (int i = 0; i < s; i++) {
                    int e = i * n + j;
                    if (sMask[e] != 0.0) {
                        int act = t.sigmoid(t.mul(b + sSigma + e, t.sub(xin[i], b + sMu + e)));
                        a[cnt] = t.scale(t.mul(fSW[e], act), sMask[e]);
                        ev[cnt++] = b + sErev + e;
                    }
                }
                ns[j] = t.dot(a, ev, cnt);
                ds[j] = t.sum(a, cnt);
            }
            int[] cmt = new int[n];
            int[] numBase = new int[n];
            for (int j = 0; j < n; j++) {
                cmt[j] = t.divConst(fCm[j], dt / k);
                numBase[j] = gv[j];
            }
            int[] v = java.util.Arrays.copyOf(state, n);
            for (int u = 0; u < k; u++) {
                int[] next = new int[n];
                for (int j = 0; j < n; j++) {
                    int cnt = 0;
                    for (int i = 0; i < n; i++) {
                        int e = i * n + j;
                        if (mask[e] != 0.0) {
                            int act = t.sigmoid(t.mul(b + sigma + e, t.sub(v[i], b + mu + e)));
                            a[cnt] = t.scale(t.mul(fW[e], act), mask[e]);
                            ev[cnt++] = b + erev + e;
                        }
                    }
                    int wn = t.dot(a, ev, cnt);
                    int wd = t.sum(a, cnt);
                    int num = t.add(t.add(t.mul(cmt[j], v[j]), numBase[j]), t.add(wn, ns[j]));
                    int den = t.add(t.add(cmt[j], fGleak[j]), t.add(wd, ds[j]));
                    next[j] = t.div(num, t.shift(den, c.epsilon()));
                }
                v = next;
            }
            System.arraycopy(v, 0, state, 0, n);
            int[] y = new int[m];
            for (int j = 0; j < m; j++) {
                y[j] = outW < 0 ? v[j] : outB < 0 ? t.mul(v[j], b + outW + j) : t.add(t.mul(v[j], b + outW + j), b + outB + j);
            }
            return y;
        };
    }
}
