package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.ParamSpec;
import dev.quantumliquid.engine.layer.ParamTable;
import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.engine.liquid.WiringShape;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.LtcLoops;
import dev.quantumliquid.train.wiring.Wiring;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainable ncps LTC (LTCCell): sensory synapses, ode_unfolds semi-implicit Euler unfolds over the
 * masked recurrent synapses, motor outputs through the output mapping; implicit softplus
 * constraints on or off, optional mixed memory. Masks are constants, never trained.
 */
public final class TrainableLtc implements TrainableLayer {
    private final String name;
    private final NcpsSpec spec;
    private final JsonNode units; // the spec's units: an int, or the wiring object it was loaded with
    private final int n, s, m;
    private final Params p = new Params();
    private final TrainableMixedMemory mm;
    private final int gleak, vleak, cm, sigma, mu, w, erev, sSigma, sMu, sW, sErev, inW, inB, outW, outB;
    private final double[] mask, sMask; // [n][n], [s][n] constants

    private TrainableLtc(String name, NcpsSpec spec, JsonNode units, Map<String, Tensor> t, SplittableRandom r,
            double[] adjacency, double[] sensoryAdjacency) {
        if (spec.layerKind() != LayerKind.LTC) {
            throw new TrainException(name + ": an LTC needs an LTC spec, got " + spec.layerKind());
        }
        this.name = name;
        this.spec = spec;
        this.n = spec.units();
        this.s = spec.inputSize();
        this.m = spec.outputSize();
        this.units = units != null ? units : IntNode.valueOf(n);
        boolean fresh = t == null;
        ParamTable table = spec.parameters();
        Map<String, double[]> constants = new HashMap<>();
        for (ParamSpec ps : table.params()) {
            if (ps.name().equals(NcpsSpec.LSTM_INPUT_W)) {
                break; // the mixed-memory cell adds its own tensors, last
            }
            double[] v = fresh ? init(ps, r, adjacency, sensoryAdjacency) : Params.from(t, ps.name(), ps.size(), name);
            if (ps.trainable()) {
                p.add(ps.name(), ps.shape(), v);
            } else {
                constants.put(ps.name(), p.constant(ps.name(), ps.shape(), v));
            }
        }
        this.mm = !spec.mixedMemory() ? null : fresh ? TrainableMixedMemory.create(p, s, n, r) : TrainableMixedMemory.of(p, s, n, t, name);
        if (p.values().length != table.trainableSize()) {
            throw new IllegalStateException(name + ": " + p.values().length + " trainable values, the spec's table " + table.trainableSize());
        }
        gleak = table.offset(NcpsSpec.LTC_GLEAK);
        vleak = table.offset(NcpsSpec.LTC_VLEAK);
        cm = table.offset(NcpsSpec.LTC_CM);
        sigma = table.offset(NcpsSpec.LTC_SIGMA);
        mu = table.offset(NcpsSpec.LTC_MU);
        w = table.offset(NcpsSpec.LTC_W);
        erev = table.offset(NcpsSpec.LTC_EREV);
        sSigma = table.offset(NcpsSpec.LTC_SENSORY_SIGMA);
        sMu = table.offset(NcpsSpec.LTC_SENSORY_MU);
        sW = table.offset(NcpsSpec.LTC_SENSORY_W);
        sErev = table.offset(NcpsSpec.LTC_SENSORY_EREV);
        inW = table.offsetIfPresent(NcpsSpec.LTC_INPUT_W).orElse(-1);
        inB = table.offsetIfPresent(NcpsSpec.LTC_INPUT_B).orElse(-1);
        outW = table.offsetIfPresent(NcpsSpec.LTC_OUTPUT_W).orElse(-1);
        outB = table.offsetIfPresent(NcpsSpec.LTC_OUTPUT_B).orElse(-1);
        mask = constants.get(NcpsSpec.LTC_MASK);
        sMask = constants.get(NcpsSpec.LTC_SENSORY_MASK);
    }

    /**
     * A fresh tensor's values, as ncps LTCCell._init_ranges draws them (in table order): erev is the
     * adjacency, a mask its absolute value, mappings start as the identity.
     */
    private static double[] init(ParamSpec ps, SplittableRandom r, double[] adjacency, double[] sensoryAdjacency) {
        int k = ps.size();
        return switch (ps.name()) {
            case NcpsSpec.LTC_GLEAK, NcpsSpec.LTC_W, NcpsSpec.LTC_SENSORY_W -> Init.uniform(r, k, 0.001, 1.0);
            case NcpsSpec.LTC_VLEAK -> Init.uniform(r, k, -0.2, 0.2);
            case NcpsSpec.LTC_CM -> Init.uniform(r, k, 0.4, 0.6);
            case NcpsSpec.LTC_SIGMA, NcpsSpec.LTC_SENSORY_SIGMA -> Init.uniform(r, k, 3, 8);
            case NcpsSpec.LTC_MU, NcpsSpec.LTC_SENSORY_MU -> Init.uniform(r, k, 0.3, 0.8);
            case NcpsSpec.LTC_EREV -> adjacency.clone();
            case NcpsSpec.LTC_SENSORY_EREV -> sensoryAdjacency.clone();
            case NcpsSpec.LTC_MASK -> abs(adjacency);
            case NcpsSpec.LTC_SENSORY_MASK -> abs(sensoryAdjacency);
            case NcpsSpec.LTC_INPUT_W, NcpsSpec.LTC_OUTPUT_W -> Init.constant(k, 1);
            case NcpsSpec.LTC_INPUT_B, NcpsSpec.LTC_OUTPUT_B -> new double[k];
            default -> throw new IllegalStateException("no initial values for " + ps.name());
        };
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
    public static TrainableLtc create(String name, NcpsSpec spec, JsonNode units, double[] adjacency,
            double[] sensoryAdjacency, SplittableRandom r) {
        return new TrainableLtc(name, spec, units, null, r, adjacency, sensoryAdjacency);
    }

    /**
     * A fresh LTC with ncps's default options over a drawn wiring; model.json states the wiring object
     * when {@code writeWiring}, else the plain unit count (ncps's own FullyConnected default).
     */
    public static TrainableLtc create(String name, int inputSize, Wiring wiring, boolean writeWiring, boolean mixedMemory,
            SplittableRandom r) {
        WiringShape shape = WiringShape.parse(wiring.toJson(), name + ": wiring", inputSize, false);
        return create(name, NcpsSpec.ltc(inputSize, shape, writeWiring, mixedMemory), writeWiring ? wiring.toJson() : null,
                wiring.adjacencyFlat(), wiring.sensoryAdjacencyFlat(), r);
    }

    /** A layer holding a loaded model's tensors. */
    static TrainableLtc of(String name, NcpsSpec spec, JsonNode units, List<Tensor> tensors) {
        return new TrainableLtc(name, spec, units, Params.byName(tensors), null, null, null);
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
        j.put("type", LayerKind.LTC.type()).put("name", name);
        j.set("spec", spec.toJson(units));
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
        return new LtcKernel(spec, mask, sMask, loops, actBudget);
    }

    private int positive(Tape t, int node) {
        return spec.implicitConstraints() ? t.softplus(node) : node;
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
        int k = spec.odeUnfolds();
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
                    next[j] = t.div(num, t.shift(den, spec.epsilon()));
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
