package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.feedforward.DenseLayer;
import dev.quantumliquid.engine.kernel.PackedHeads;
import dev.quantumliquid.engine.kernel.PackedMatrix;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;

/**
 * ncps 1.0.1 CfC with integer units (the unwired CfCCell, spec section 3): backbone over [u | h], then
 * the closed-form update in mode default, no_gate or pure; optional mixed memory before the cell and
 * projection (fc) of the output.
 */
final class CfcLayer extends NcpsLayer {

    private final int h;          // hidden units
    private final int z;          // width the heads read: backbone_units, or in+h without backbone
    private final int[] bbIn;     // [layers] input width of each backbone layer
    private final double[][] bbW; // [layers][units][bbIn]
    private final double[][] bbB; // [layers][units]
    private final double[][] head; // ff1, ff2, time_a, time_b weights [h][z] (pure: ff1 only)
    private final double[][] headB; // their biases [h]
    private final double[] tau;   // pure: |w_tau| [h]
    private final double[] amp;   // pure: A [h]
    private final double[] fcW;   // [proj][h] (zero-length without projection)
    private final double[] fcB;   // [proj]
    private final PackedMatrix[] bb;    // backbone layers
    private final PackedHeads gated;    // default / no_gate: the four heads with the gate fused (null in pure mode)
    private final PackedHeads gatedUnit; // the same for dt = 1: ff1, ff2 and ta + tb summed at load (null in pure mode)
    private final PackedMatrix ff1;     // pure: ff1 (null otherwise)
    private final PackedMatrix fc;      // projection, or null
    private final float[] tauF, ampF;   // pure mode [h]

    static CfcLayer load(LayerSource src, NcpsSpec spec) {
        return new CfcLayer(src.name(), spec, new TensorSet.Loader(src).addAll(spec.parameters()).done());
    }

    static String[] heads(NcpsSpec spec) {
        return spec.heads().toArray(String[]::new);
    }

    private CfcLayer(String name, NcpsSpec spec, TensorSet t) {
        super(name, spec, t, spec.projSize() > 0 ? spec.projSize() : spec.units());
        this.h = units;
        int layers = spec.backboneLayers();
        this.bbIn = new int[layers];
        this.bbW = new double[layers][];
        this.bbB = new double[layers][];
        this.bb = new PackedMatrix[layers];
        int width = in + h;
        for (int l = 0; l < layers; l++) {
            String b = spec.backbone(l);
            bbIn[l] = width;
            bbW[l] = t.d(b + "weight");
            bbB[l] = t.d(b + "bias");
            bb[l] = PackedMatrix.of(LiquidMath.floats(bbW[l]), LiquidMath.floats(bbB[l]), spec.backboneUnits(), width);
            width = spec.backboneUnits();
        }
        this.z = width;
        String[] names = heads(spec);
        this.head = new double[names.length][];
        this.headB = new double[names.length][];
        float[][] hw = new float[names.length][];
        float[][] hb = new float[names.length][];
        for (int i = 0; i < names.length; i++) {
            head[i] = t.d(NcpsSpec.CELL + names[i] + ".weight");
            headB[i] = t.d(NcpsSpec.CELL + names[i] + ".bias");
            hw[i] = LiquidMath.floats(head[i]);
            hb[i] = LiquidMath.floats(headB[i]);
        }
        boolean pure = spec.mode() == NcpsSpec.Mode.PURE;
        this.gated = pure ? null : PackedHeads.of(hw, hb, h, z);
        // dt = 1 is ncps's default time span (and a fixed-rate sensor's): one gate product instead of two
        this.gatedUnit = pure ? null : PackedHeads.unitTimeSpan(hw, hb, h, z);
        this.ff1 = pure ? PackedMatrix.of(hw[0], hb[0], h, z) : null;
        this.tau = pure ? t.d(NcpsSpec.CFC_TAU) : new double[0];
        for (int i = 0; i < tau.length; i++) {
            tau[i] = Math.abs(tau[i]);
        }
        this.amp = pure ? t.d(NcpsSpec.CFC_AMP) : new double[0];
        this.tauF = LiquidMath.floats(tau);
        this.ampF = LiquidMath.floats(amp);
        boolean proj = spec.projSize() > 0;
        this.fcW = proj ? t.d(NcpsSpec.PROJ_W) : new double[0];
        this.fcB = proj ? t.d(NcpsSpec.PROJ_B) : new double[0];
        this.fc = proj ? PackedMatrix.of(LiquidMath.floats(fcW), LiquidMath.floats(fcB), out, h) : null;
    }

    /** Per-session buffers of the fast path. */
    private static final class Ws implements Workspace {
        final float[] uh;    // [in+h] input then hidden state (after the mixed-memory cell)
        final float[] lz;    // [padded 4h] mixed-memory gate pre-activations (empty without)
        final float[] a, b;  // [padded backbone_units] backbone activations, ping-pong
        final float[] heads; // pure: [padded h] ff1; else the fused heads' scratch
        final float[] proj;  // [padded proj] (empty without projection)

        Ws(CfcLayer l) {
            uh = new float[l.in + l.h];
            lz = new float[l.lstm == null ? 0 : l.lstm.scratchSize()];
            int bu = l.bb.length == 0 ? 0 : l.bb[0].paddedRows();
            a = new float[bu];
            b = new float[bu];
            heads = new float[l.gated == null ? l.ff1.paddedRows()
                    : Math.max(l.gated.scratchSize(), l.gatedUnit.scratchSize())];
            proj = new float[l.fc == null ? 0 : l.fc.paddedRows()];
        }
    }

    @Override
    public Workspace newWorkspace() {
        return new Ws(this);
    }

    @Override
    public float step(float[] x, float[] y, float[] state, int off, float dt, Workspace workspace) {
        Ws ws = (Ws) workspace;
        System.arraycopy(x, 0, ws.uh, 0, in);
        System.arraycopy(state, off, ws.uh, in, h);
        if (lstm != null) {
            lstm.step(k, ws.uh, ws.lz, state, off + h);
        }
        float[] cur = ws.uh;
        for (int l = 0; l < bb.length; l++) {
            float[] next = (l & 1) == 0 ? ws.a : ws.b;
            layer(bb[l], cur, next, next == ws.a ? ws.b : ws.a);
            cur = next;
        }
        if (gated == null) {
            k.matVec(ff1, cur, 0, ws.heads, 0);
            k.cfcPure(ws.heads, tauF, ampF, h, dt, state, off);
        } else {
            k.cfcHeads(dt == 1f ? gatedUnit : gated, cur, 0, dt, spec.mode() == NcpsSpec.Mode.NO_GATE, ws.heads, state,
                    off);
        }
        if (fc != null) {
            k.matVec(fc, state, off, ws.proj, 0);
            System.arraycopy(ws.proj, 0, y, 0, out);
        } else {
            System.arraycopy(state, off, y, 0, h);
        }
        return Float.NaN;
    }

    /**
     * One backbone layer: next = act(W cur + b), the tanh-like activations fused into the product; spare (as
     * long as next) is free scratch (cur is read only by the product).
     */
    private void layer(PackedMatrix w, float[] cur, float[] next, float[] spare) {
        int n = w.rows();
        switch (spec.activation()) {
            case LECUN_TANH -> k.matVecTanh(w, cur, 0, next, 0, 0.666f, 1.7159f);
            case TANH -> k.matVecTanh(w, cur, 0, next, 0, 1f, 1f);
            case SILU -> {
                k.matVec(w, cur, 0, next, 0);
                k.silu(next, 0, n, spare);
            }
            case RELU -> {
                k.matVec(w, cur, 0, next, 0);
                k.relu(next, 0, n);
            }
            default -> {
                k.matVec(w, cur, 0, next, 0);
                for (int i = 0; i < n; i++) {
                    next[i] = spec.activation().apply(next[i]);
                }
            }
        }
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int off, double dt) {
        if (lstm != null) {
            lstm.stepReference(x, state, off, off + h);
        }
        double[] cur = new double[in + h];
        System.arraycopy(x, 0, cur, 0, in);
        System.arraycopy(state, off, cur, in, h);
        for (int l = 0; l < bbW.length; l++) {
            double[] next = new double[spec.backboneUnits()];
            LiquidMath.matVec(bbW[l], bbB[l], cur, 0, next.length, bbIn[l], next, 0);
            for (int i = 0; i < next.length; i++) {
                next[i] = spec.activation().apply(next[i]);
            }
            cur = next;
        }
        double[] hNew = cell(head, headB, cur, h, z, spec.mode(), tau, amp, dt);
        System.arraycopy(hNew, 0, state, off, h);
        if (fcW.length > 0) {
            LiquidMath.matVec(fcW, fcB, hNew, 0, out, h, y, 0);
        } else {
            System.arraycopy(hNew, 0, y, 0, h);
        }
        return Double.NaN;
    }

    /**
     * The CfC cell update in float64 (ncps CfCCell.forward after the backbone) from the head weights
     * [ff1, ff2, time_a, time_b] (pure: [ff1]) of shape [h][z] applied to x[z].
     */
    static double[] cell(double[][] w, double[][] b, double[] x, int h, int z, NcpsSpec.Mode mode, double[] absTau,
            double[] amp, double dt) {
        double[] ff1 = new double[h];
        LiquidMath.matVec(w[0], b[0], x, 0, h, z, ff1, 0);
        double[] hNew = new double[h];
        if (mode == NcpsSpec.Mode.PURE) {
            for (int i = 0; i < h; i++) {
                hNew[i] = -amp[i] * Math.exp(-dt * (absTau[i] + Math.abs(ff1[i]))) * ff1[i] + amp[i];
            }
            return hNew;
        }
        double[] ff2 = new double[h];
        double[] ta = new double[h];
        double[] tb = new double[h];
        LiquidMath.matVec(w[1], b[1], x, 0, h, z, ff2, 0);
        LiquidMath.matVec(w[2], b[2], x, 0, h, z, ta, 0);
        LiquidMath.matVec(w[3], b[3], x, 0, h, z, tb, 0);
        for (int i = 0; i < h; i++) {
            double f1 = Math.tanh(ff1[i]);
            double f2 = Math.tanh(ff2[i]);
            double g = KernelMath.sigmoid(ta[i] * dt + tb[i]);
            hNew[i] = mode == NcpsSpec.Mode.NO_GATE ? f1 + g * f2 : f1 * (1.0 - g) + g * f2;
        }
        return hNew;
    }

    /** C of {@link #step}: [u | h], the mixed-memory cell, the backbone, then the heads unit by unit. */
    @Override
    public void writeC(CSource c) {
        String uh = c.scratch("uh", in + h);
        c.line("for (int i = 0; i < %d; i++) {", in);
        c.line("%s[i] = x[i];", uh);
        c.line("}");
        c.line("for (int j = 0; j < %d; j++) {", h);
        c.line("%s[%d + j] = st[j];", uh, in);
        c.line("}");
        if (lstm != null) {
            lstm.writeC(c, uh, "(st + " + h + ")");
        }
        String cur = uh;
        for (int l = 0; l < bbW.length; l++) {
            String next = c.scratch("bb" + l, spec.backboneUnits());
            DenseLayer.denseC(c, "bb" + l + "_w", LiquidMath.floats(bbW[l]), LiquidMath.floats(bbB[l]),
                    spec.backboneUnits(), bbIn[l], cur, next, spec.activation());
            cur = next;
        }
        headsC(c, head, headB, h, z, cur, "st", spec.mode(), tau, amp);
        if (fcW.length > 0) {
            DenseLayer.denseC(c, "fc_w", LiquidMath.floats(fcW), LiquidMath.floats(fcB), out, h, "st", "y",
                    Activation.NONE);
        } else {
            c.line("for (int j = 0; j < %d; j++) {", h);
            c.line("y[j] = st[j];");
            c.line("}");
        }
        c.line("(void)dt;");
        c.line("return 0.0f;");
    }

    /**
     * C of the cell update after the backbone, unit by unit: the head products over {@code zName} (z
     * floats) and the closed-form update into {@code hName} (as {@code Kernels.cfcHeads}/{@code cfcPure}).
     */
    static void headsC(CSource c, double[][] w, double[][] b, int h, int z, String zName, String hName,
            NcpsSpec.Mode mode, double[] absTau, double[] amp) {
        String[] names = {"ff1", "ff2", "ta", "tb"};
        String[] wn = new String[w.length];
        String[] bn = new String[w.length];
        for (int k = 0; k < w.length; k++) {
            wn[k] = c.floats(names[k] + "_w", LiquidMath.floats(w[k]));
            bn[k] = c.floats(names[k] + "_b", LiquidMath.floats(b[k]));
        }
        c.line("for (int i = 0; i < %d; i++) {", h);
        for (int k = 0; k < w.length; k++) {
            c.line("float %s = %s[i];", names[k], bn[k]);
        }
        c.line("for (int k = 0; k < %d; k++) {", z);
        c.line("float zk = %s[k];", zName);
        for (int k = 0; k < w.length; k++) {
            c.line("%s += %s[i * %d + k] * zk;", names[k], wn[k], z);
        }
        c.line("}");
        if (mode == NcpsSpec.Mode.PURE) {
            String tn = c.floats("abs_tau", LiquidMath.floats(absTau));
            String an = c.floats("amp", LiquidMath.floats(amp));
            c.line("float e = expf(-dt * (%s[i] + fabsf(ff1)));", tn);
            c.line("%s[i] = -%s[i] * e * ff1 + %s[i];", hName, an, an);
        } else {
            c.line("float f1 = tanhf(ff1);");
            c.line("float f2 = tanhf(ff2);");
            c.line("float g = sigmoidf(ta * dt + tb);");
            c.line(mode == NcpsSpec.Mode.NO_GATE ? "%s[i] = f1 + g * f2;" : "%s[i] = f1 * (1.0f - g) + g * f2;", hName);
        }
        c.line("}");
    }

    /**
     * Counting rules (as {@link LtcLayer#opsPerStep}): backbone rows*cols MACs per layer plus its
     * activation per unit (lecun_tanh 2 MACs + 1 tanh, tanh 1, silu 1 MAC + 1 sigmoid, gelu 3 MACs + 1 erf,
     * relu nothing); default/no_gate: 4 heads of h*z MACs, per unit 3 transcendentals (2 tanh, 1 sigmoid),
     * 1 MAC for ta*dt and 2 MACs to mix (no_gate 1); pure: h*z MACs and per unit 3 MACs and 1 exp
     * (|w_tau| is taken at load); projection proj*h MACs; plus the mixed-memory cell.
     */
    @Override
    public OpCounts opsPerStep() {
        long macs = 0;
        long trans = 0;
        for (int l = 0; l < bbW.length; l++) {
            macs += (long) spec.backboneUnits() * bbIn[l];
        }
        macs += (long) bbW.length * spec.backboneUnits() * activationMacs(spec.activation());
        trans += (long) bbW.length * spec.backboneUnits() * spec.activation().transcendentals();
        OpCounts c = new OpCounts(macs, trans, 0, 0).plus(cellOps(spec.mode(), h, (long) h * z, (long) h * z));
        c = c.plus(new OpCounts(fcW.length, 0, 0, 0));
        return lstm == null ? c : c.plus(lstm.ops());
    }

    static long activationMacs(Activation a) {
        return switch (a) {
            case LECUN_TANH -> 2;
            case SILU -> 1;
            case GELU -> 3;
            default -> 0;
        };
    }

    /**
     * The head products and the update per unit: ffMacs per ff head (ff1, ff2; masked entries left out
     * in wired cells), timeMacs per time head (time_a, time_b, never masked in ncps 1.0.1).
     */
    static OpCounts cellOps(NcpsSpec.Mode mode, long h, long ffMacs, long timeMacs) {
        return switch (mode) {
            case PURE -> new OpCounts(ffMacs + 3 * h, h, 0, 0);
            case NO_GATE -> new OpCounts(2 * ffMacs + 2 * timeMacs + 2 * h, 3 * h, 0, 0);
            case DEFAULT -> new OpCounts(2 * ffMacs + 2 * timeMacs + 3 * h, 3 * h, 0, 0);
        };
    }
}
