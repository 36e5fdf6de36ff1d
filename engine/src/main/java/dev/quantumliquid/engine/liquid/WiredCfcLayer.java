package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.feedforward.DenseLayer;
import dev.quantumliquid.engine.kernel.PackedMatrix;
import dev.quantumliquid.engine.kernel.SparseMatrix;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.Optional;

/**
 * ncps 1.0.1 CfC over a wiring (WiredCfCCell, spec section 3): one backbone-free CfC cell per wiring
 * layer, layer l fed [previous layer's new h | its own h]. {@code sparsity_mask} [n_l][in_l+n_l] masks
 * ff1 and ff2 only; ncps 1.0.1 leaves time_a and time_b dense, so they stay dense here too. The state
 * is the layers' h in layer order. Pruning numbers the present entries of layer_0.sparsity_mask,
 * layer_1.sparsity_mask, ... row-major.
 */
final class WiredCfcLayer extends NcpsLayer implements Prunable {
    private final int[] size;      // [layers] neurons per wiring layer
    private final int[] width;     // [layers] in_l + n_l
    private final int[] stateOff;  // [layers] where layer l's h starts in the layer state
    private final double[][] mask; // [layers][n_l][width_l]
    private final double[][][] w;  // [layers][heads][n_l * width_l], ff1/ff2 already masked
    private final double[][][] b;  // [layers][heads][n_l]
    private final double[][] tau;  // pure: [layers][n_l] |w_tau|
    private final double[][] amp;  // pure: [layers][n_l] A
    private final double[] fcW;    // [proj][last n] (zero-length without projection)
    private final double[] fcB;    // [proj]
    private final SparseMatrix[] ff1, ff2; // [layers] masked heads, only present entries
    private final PackedMatrix[] time;     // [layers] [time_a; time_b] (null in pure mode)
    private final float[][] tauF, ampF;
    private final PackedMatrix fc;         // null without projection
    private final long[] present;          // [layers] nonzero mask entries

    private static String p(int l) {
        return NcpsSpec.wiredLayer(l);
    }

    static WiredCfcLayer load(LayerSource src, NcpsSpec spec) {
        return new WiredCfcLayer(src.name(), spec, new TensorSet.Loader(src).addAll(spec.parameters()).done());
    }

    private WiredCfcLayer(String name, NcpsSpec spec, TensorSet t) {
        super(name, spec, t, spec.projSize() > 0 ? spec.projSize() : spec.wiring().lastLayerSize());
        this.size = spec.wiring().layerSizes().clone();
        int layers = size.length;
        this.width = new int[layers];
        this.stateOff = new int[layers];
        this.mask = new double[layers][];
        this.w = new double[layers][][];
        this.b = new double[layers][][];
        this.tau = new double[layers][];
        this.amp = new double[layers][];
        this.ff1 = new SparseMatrix[layers];
        this.ff2 = new SparseMatrix[layers];
        this.time = new PackedMatrix[layers];
        this.tauF = new float[layers][];
        this.ampF = new float[layers][];
        this.present = new long[layers];
        boolean pure = spec.mode() == NcpsSpec.Mode.PURE;
        String[] heads = CfcLayer.heads(spec);
        int inL = in;
        int so = 0;
        for (int l = 0; l < layers; l++) {
            int n = size[l];
            width[l] = inL + n;
            stateOff[l] = so;
            so += n;
            mask[l] = t.d(p(l) + "sparsity_mask");
            for (double v : mask[l]) {
                present[l] += v != 0.0 ? 1 : 0;
            }
            w[l] = new double[heads.length][];
            b[l] = new double[heads.length][];
            for (int i = 0; i < heads.length; i++) {
                w[l][i] = t.d(p(l) + heads[i] + ".weight");
                b[l][i] = t.d(p(l) + heads[i] + ".bias");
                if (i < 2) {
                    for (int e = 0; e < w[l][i].length; e++) {
                        w[l][i][e] *= mask[l][e];
                    }
                }
            }
            float[] keep = LiquidMath.floats(mask[l]);
            ff1[l] = SparseMatrix.of(LiquidMath.floats(w[l][0]), keep, LiquidMath.floats(b[l][0]), n, width[l]);
            if (!pure) {
                ff2[l] = SparseMatrix.of(LiquidMath.floats(w[l][1]), keep, LiquidMath.floats(b[l][1]), n, width[l]);
                float[] ab = new float[2 * n * width[l]];
                float[] abB = new float[2 * n];
                System.arraycopy(LiquidMath.floats(w[l][2]), 0, ab, 0, n * width[l]);
                System.arraycopy(LiquidMath.floats(w[l][3]), 0, ab, n * width[l], n * width[l]);
                System.arraycopy(LiquidMath.floats(b[l][2]), 0, abB, 0, n);
                System.arraycopy(LiquidMath.floats(b[l][3]), 0, abB, n, n);
                time[l] = PackedMatrix.of(ab, abB, 2 * n, width[l]);
            }
            tau[l] = pure ? t.d(p(l) + "w_tau") : new double[0];
            for (int i = 0; i < tau[l].length; i++) {
                tau[l][i] = Math.abs(tau[l][i]);
            }
            amp[l] = pure ? t.d(p(l) + "A") : new double[0];
            tauF[l] = LiquidMath.floats(tau[l]);
            ampF[l] = LiquidMath.floats(amp[l]);
            inL = n;
        }
        boolean proj = spec.projSize() > 0;
        this.fcW = proj ? t.d(NcpsSpec.PROJ_W) : new double[0];
        this.fcB = proj ? t.d(NcpsSpec.PROJ_B) : new double[0];
        this.fc = proj ? PackedMatrix.of(LiquidMath.floats(fcW), LiquidMath.floats(fcB), out, inL) : null;
    }

    /** Per-session buffers of the fast path. */
    private static final class Ws implements Workspace {
        final float[] lstmUh;  // [in+units] raw input then h for the mixed-memory cell (empty without)
        final float[] lz;      // [padded 4 units] mixed-memory gate pre-activations (empty without)
        final float[][] uh;    // [layers][in_l + n_l] layer input then the layer's h
        final float[][] heads; // [layers][2n_l + padded 2n_l] ff1 | ff2 | time_a | time_b (pure: [n_l])
        final float[] proj;    // [padded proj] (empty without projection)

        Ws(WiredCfcLayer l) {
            lstmUh = new float[l.lstm == null ? 0 : l.in + l.units];
            lz = new float[l.lstm == null ? 0 : l.lstm.scratchSize()];
            uh = new float[l.size.length][];
            heads = new float[l.size.length][];
            for (int i = 0; i < l.size.length; i++) {
                uh[i] = new float[l.width[i]];
                heads[i] = new float[l.time[i] == null ? l.size[i] : 2 * l.size[i] + l.time[i].paddedRows()];
            }
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
        float[] hSrc = state;
        int hOff = off;
        if (lstm != null) {
            System.arraycopy(x, 0, ws.lstmUh, 0, in);
            System.arraycopy(state, off, ws.lstmUh, in, units);
            lstm.step(k, ws.lstmUh, ws.lz, state, off + units);
            hSrc = ws.lstmUh;
            hOff = in;
        }
        float[] input = x;
        int inOff = 0;
        boolean noGate = spec.mode() == NcpsSpec.Mode.NO_GATE;
        for (int l = 0; l < size.length; l++) {
            int n = size[l];
            int inL = width[l] - n;
            float[] uh = ws.uh[l];
            float[] hd = ws.heads[l];
            System.arraycopy(input, inOff, uh, 0, inL);
            System.arraycopy(hSrc, hOff + stateOff[l], uh, inL, n);
            k.matVec(ff1[l], uh, 0, hd, 0);
            if (time[l] == null) {
                k.cfcPure(hd, tauF[l], ampF[l], n, dt, state, off + stateOff[l]);
            } else {
                k.matVec(ff2[l], uh, 0, hd, n);
                k.matVec(time[l], uh, 0, hd, 2 * n);
                k.cfcGate(hd, n, dt, noGate, state, off + stateOff[l]);
            }
            input = state;
            inOff = off + stateOff[l];
        }
        if (fc != null) {
            k.matVec(fc, input, inOff, ws.proj, 0);
            System.arraycopy(ws.proj, 0, y, 0, out);
        } else {
            System.arraycopy(input, inOff, y, 0, out);
        }
        return Float.NaN;
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int off, double dt) {
        if (lstm != null) {
            lstm.stepReference(x, state, off, off + units);
        }
        double[] input = x;
        for (int l = 0; l < size.length; l++) {
            int n = size[l];
            int inL = width[l] - n;
            double[] cat = new double[width[l]];
            System.arraycopy(input, 0, cat, 0, inL);
            System.arraycopy(state, off + stateOff[l], cat, inL, n);
            double[] hNew = CfcLayer.cell(w[l], b[l], cat, n, width[l], spec.mode(), tau[l], amp[l], dt);
            System.arraycopy(hNew, 0, state, off + stateOff[l], n);
            input = hNew;
        }
        if (fcW.length > 0) {
            LiquidMath.matVec(fcW, fcB, input, 0, out, input.length, y, 0);
        } else {
            System.arraycopy(input, 0, y, 0, out);
        }
        return Double.NaN;
    }

    /**
     * C of {@link #step}: wiring layer by wiring layer, ff1 and ff2 over their present entries only,
     * time_a and time_b dense; each layer's new h is the next layer's input.
     */
    @Override
    public void writeC(CSource c) {
        String hSrc = "st";
        if (lstm != null) {
            String luh = c.scratch("lstm_uh", in + units);
            c.line("for (int i = 0; i < %d; i++) {", in);
            c.line("%s[i] = x[i];", luh);
            c.line("}");
            c.line("for (int j = 0; j < %d; j++) {", units);
            c.line("%s[%d + j] = st[j];", luh, in);
            c.line("}");
            lstm.writeC(c, luh, "(st + " + units + ")");
            hSrc = "(" + luh + " + " + in + ")";
        }
        int maxWidth = 0;
        int maxN = 0;
        for (int l = 0; l < size.length; l++) {
            maxWidth = Math.max(maxWidth, width[l]);
            maxN = Math.max(maxN, size[l]);
        }
        String uh = c.scratch("uh", maxWidth);
        String hd = c.scratch("heads", 4 * maxN);
        String input = "x";
        boolean pure = spec.mode() == NcpsSpec.Mode.PURE;
        for (int l = 0; l < size.length; l++) {
            int n = size[l];
            int inL = width[l] - n;
            c.line("/* wiring layer %d: %d neurons over %d inputs */", l, n, inL);
            c.line("for (int i = 0; i < %d; i++) {", inL);
            c.line("%s[i] = %s[i];", uh, input);
            c.line("}");
            c.line("for (int j = 0; j < %d; j++) {", n);
            c.line("%s[%d + j] = %s[%d + j];", uh, inL, hSrc, stateOff[l]);
            c.line("}");
            LiquidC.sparseRows(c, "l" + l + "_ff1", w[l][0], mask[l], b[l][0], n, width[l], uh, hd);
            String h = "(st + " + stateOff[l] + ")";
            if (pure) {
                String tn = c.floats("l" + l + "_abs_tau", tauF[l]);
                String an = c.floats("l" + l + "_amp", ampF[l]);
                c.line("for (int i = 0; i < %d; i++) {", n);
                c.line("float e = expf(-dt * (%s[i] + fabsf(%s[i])));", tn, hd);
                c.line("%s[i] = -%s[i] * e * %s[i] + %s[i];", h, an, hd, an);
                c.line("}");
            } else {
                LiquidC.sparseRows(c, "l" + l + "_ff2", w[l][1], mask[l], b[l][1], n, width[l], uh,
                        "(" + hd + " + " + n + ")");
                float[] ab = new float[2 * n * width[l]];
                float[] abB = new float[2 * n];
                System.arraycopy(LiquidMath.floats(w[l][2]), 0, ab, 0, n * width[l]);
                System.arraycopy(LiquidMath.floats(w[l][3]), 0, ab, n * width[l], n * width[l]);
                System.arraycopy(LiquidMath.floats(b[l][2]), 0, abB, 0, n);
                System.arraycopy(LiquidMath.floats(b[l][3]), 0, abB, n, n);
                DenseLayer.denseC(c, "l" + l + "_time", ab, abB, 2 * n, width[l], uh, "(" + hd + " + " + 2 * n + ")",
                        Activation.NONE);
                c.line("for (int i = 0; i < %d; i++) {", n);
                c.line("float f1 = tanhf(%s[i]);", hd);
                c.line("float f2 = tanhf(%s[%d + i]);", hd, n);
                c.line("float g = sigmoidf(%s[%d + i] * dt + %s[%d + i]);", hd, 2 * n, hd, 3 * n);
                c.line(spec.mode() == NcpsSpec.Mode.NO_GATE ? "%s[i] = f1 + g * f2;" : "%s[i] = f1 * (1.0f - g) + g * f2;",
                        h);
                c.line("}");
            }
            input = h;
        }
        if (fcW.length > 0) {
            DenseLayer.denseC(c, "fc_w", LiquidMath.floats(fcW), LiquidMath.floats(fcB), out, size[size.length - 1],
                    input, "y", Activation.NONE);
        } else {
            c.line("for (int j = 0; j < %d; j++) {", out);
            c.line("y[j] = %s[j];", input);
            c.line("}");
        }
        c.line("return 0.0f;");
    }

    /**
     * Counting rules as {@link CfcLayer#opsPerStep}, per wiring layer: ff1 and ff2 cost one MAC per present
     * mask entry (masked ones are skipped), time_a and time_b n_l*(in_l+n_l) MACs each (dense in ncps 1.0.1).
     */
    @Override
    public OpCounts opsPerStep() {
        OpCounts c = OpCounts.ZERO;
        for (int l = 0; l < size.length; l++) {
            c = c.plus(CfcLayer.cellOps(spec.mode(), size[l], present[l], (long) size[l] * width[l]));
        }
        c = c.plus(new OpCounts(fcW.length, 0, 0, 0));
        return lstm == null ? c : c.plus(lstm.ops());
    }

    @Override
    public Optional<SynapseCount> synapses() {
        return Optional.of(synapseCount());
    }

    @Override
    public Optional<Prunable> prunable() {
        return Optional.of(this);
    }

    @Override
    public SynapseCount synapseCount() {
        long possible = 0;
        long have = 0;
        for (int l = 0; l < size.length; l++) {
            possible += mask[l].length;
            have += present[l];
        }
        return new SynapseCount(possible, have);
    }

    @Override
    public double[] synapseMagnitudes() {
        double[] mag = new double[(int) synapseCount().present()];
        int k = 0;
        for (int l = 0; l < size.length; l++) {
            for (int e = 0; e < mask[l].length; e++) {
                if (mask[l][e] != 0.0) {
                    double s = 0.0;
                    for (double[] head : w[l]) {
                        s += Math.abs(head[e]);
                    }
                    mag[k++] = s;
                }
            }
        }
        return mag;
    }

    @Override
    public Layer withoutSynapses(boolean[] remove) {
        long have = synapseCount().present();
        if (remove.length != have) {
            throw new EngineException(name + ": withoutSynapses needs one flag per present synapse (" + have + "), got "
                    + remove.length);
        }
        TensorSet t = tensors;
        int k = 0;
        for (int l = 0; l < size.length; l++) {
            double[] m = mask[l].clone();
            for (int e = 0; e < m.length; e++) {
                if (m[e] != 0.0 && remove[k++]) {
                    m[e] = 0.0;
                }
            }
            t = t.with(p(l) + "sparsity_mask", m);
        }
        return new WiredCfcLayer(name, spec, t);
    }
}
