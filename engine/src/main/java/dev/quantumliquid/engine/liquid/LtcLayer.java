package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.kernel.SynapseList;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.Optional;

/**
 * ncps 1.0.1 LTC (LTCCell over a wiring, spec section 3): sensory synapses from the mapped input, then
 * ode_unfolds fused semi-implicit Euler steps over the recurrent synapses; the output is the motor
 * neurons 0..M-1 through the output mapping. Pruning numbers the present synapses of
 * {@code rnn_cell.sparsity_mask} (row-major [pre][post]) first, then of {@code rnn_cell.sensory_sparsity_mask}.
 */
final class LtcLayer extends NcpsLayer implements Prunable {

    private final int s;      // sensory inputs
    private final int m;      // motor neurons (outputs)
    private final int unfolds;
    private final double eps;
    // Reference (float64) parameters, f = softplus or identity already applied where ncps applies it.
    private final double[] gleak, vleak, cm;             // [n]
    private final double[] sigma, mu, w, erev, mask;     // [n][n] as [pre][post]
    private final double[] sSigma, sMu, sW, sErev, sMask; // [s][n]
    private final double[] inW, inB, outW, outB;         // [s], [s], [m], [m] (absent ones stay zero-length)
    // Fast (float32) path.
    private final SynapseList sensory;   // present sensory synapses, by post neuron
    private final SynapseList recurrent; // present recurrent synapses, by post neuron
    private final float[] fCm;           // [n] f(cm)
    private final float[] gVleak;        // [n] f(gleak)*vleak
    private final float[] gEps;          // [n] f(gleak) + epsilon
    private final float[] inWf, inBf, outWf, outBf;
    private final long presentRecurrent;
    private final long presentSensory;

    static LtcLayer load(LayerSource src, NcpsSpec spec) {
        return new LtcLayer(src.name(), spec, new TensorSet.Loader(src).addAll(spec.parameters()).done());
    }

    private LtcLayer(String name, NcpsSpec spec, TensorSet t) {
        super(name, spec, t, spec.wiring().outputDim());
        int n = units;
        this.s = in;
        this.m = out;
        this.unfolds = spec.odeUnfolds();
        this.eps = spec.epsilon();
        boolean soft = spec.implicitConstraints();
        this.gleak = positive(t.d(NcpsSpec.LTC_GLEAK), soft);
        this.vleak = t.d(NcpsSpec.LTC_VLEAK);
        this.cm = positive(t.d(NcpsSpec.LTC_CM), soft);
        this.sigma = t.d(NcpsSpec.LTC_SIGMA);
        this.mu = t.d(NcpsSpec.LTC_MU);
        this.w = positive(t.d(NcpsSpec.LTC_W), soft);
        this.erev = t.d(NcpsSpec.LTC_EREV);
        this.mask = t.d(NcpsSpec.LTC_MASK);
        this.sSigma = t.d(NcpsSpec.LTC_SENSORY_SIGMA);
        this.sMu = t.d(NcpsSpec.LTC_SENSORY_MU);
        this.sW = positive(t.d(NcpsSpec.LTC_SENSORY_W), soft);
        this.sErev = t.d(NcpsSpec.LTC_SENSORY_EREV);
        this.sMask = t.d(NcpsSpec.LTC_SENSORY_MASK);
        NcpsSpec.Mapping im = spec.inputMapping();
        NcpsSpec.Mapping om = spec.outputMapping();
        this.inW = im != NcpsSpec.Mapping.NONE ? t.d(NcpsSpec.LTC_INPUT_W) : new double[0];
        this.inB = im == NcpsSpec.Mapping.AFFINE ? t.d(NcpsSpec.LTC_INPUT_B) : new double[0];
        this.outW = om != NcpsSpec.Mapping.NONE ? t.d(NcpsSpec.LTC_OUTPUT_W) : new double[0];
        this.outB = om == NcpsSpec.Mapping.AFFINE ? t.d(NcpsSpec.LTC_OUTPUT_B) : new double[0];
        this.sensory = synapses(s, n, sSigma, sMu, sW, sErev, sMask);
        this.recurrent = synapses(n, n, sigma, mu, w, erev, mask);
        this.presentSensory = sensory.count();
        this.presentRecurrent = recurrent.count();
        this.fCm = LiquidMath.floats(cm);
        this.gVleak = new float[n];
        this.gEps = new float[n];
        for (int j = 0; j < n; j++) {
            gVleak[j] = (float) (gleak[j] * vleak[j]);
            gEps[j] = (float) (gleak[j] + eps);
        }
        this.inWf = LiquidMath.floats(inW);
        this.inBf = LiquidMath.floats(inB);
        this.outWf = LiquidMath.floats(outW);
        this.outBf = LiquidMath.floats(outB);
    }

    /** softplus of a parameter ncps keeps positive at run time; computed once here, not per step. */
    private static double[] positive(double[] p, boolean softplus) {
        if (softplus) {
            for (int i = 0; i < p.length; i++) {
                p[i] = KernelMath.softplus(p[i]);
            }
        }
        return p;
    }

    /** The present synapses of a [pre][post] parameter set, neuron by neuron; masked-out ones are left out. */
    private static SynapseList synapses(int pres, int posts, double[] sg, double[] mu, double[] w, double[] erev,
            double[] mask) {
        int count = 0;
        for (double v : mask) {
            count += v != 0.0 ? 1 : 0;
        }
        int[] post = new int[count];
        int[] pre = new int[count];
        float[] fs = new float[count];
        float[] fm = new float[count];
        float[] fw = new float[count];
        float[] fe = new float[count];
        int k = 0;
        for (int j = 0; j < posts; j++) {
            for (int i = 0; i < pres; i++) {
                int e = i * posts + j;
                if (mask[e] != 0.0) {
                    post[k] = j;
                    pre[k] = i;
                    fs[k] = (float) sg[e];
                    fm[k] = (float) mu[e];
                    fw[k] = (float) (w[e] * mask[e]);
                    fe[k] = (float) erev[e];
                    k++;
                }
            }
        }
        return SynapseList.of(posts, post, pre, fs, fm, fw, fe);
    }

    /** Per-session buffers of the fast path. */
    private static final class Ws implements Workspace {
        final float[] xin;      // [s] mapped input
        final float[] v;        // [n] membrane potentials being unfolded
        final float[] ns, ds;   // [n] sensory numerator / denominator sums
        final float[] num, den; // [n] recurrent numerator / denominator sums of one unfold
        final float[] cmt;      // [n] f(cm) * ode_unfolds / dt
        final float[] numBase;  // [n] f(gleak)*vleak + ns
        final float[] denBase;  // [n] cmt + f(gleak) + eps + ds
        final float[] sScratch; // [sensory.scratchSize()] per-synapse activations
        final float[] rScratch; // [recurrent.scratchSize()]
        final float[] uh;       // [s+n] raw input then h, for the mixed-memory cell (empty without)
        final float[] z;        // [padded 4n] mixed-memory gate pre-activations (empty without)

        Ws(LtcLayer l) {
            int n = l.units;
            xin = new float[l.s];
            v = new float[n];
            ns = new float[n];
            ds = new float[n];
            num = new float[n];
            den = new float[n];
            cmt = new float[n];
            numBase = new float[n];
            denBase = new float[n];
            sScratch = new float[l.sensory.scratchSize()];
            rScratch = new float[l.recurrent.scratchSize()];
            uh = new float[l.lstm == null ? 0 : l.s + n];
            z = new float[l.lstm == null ? 0 : l.lstm.scratchSize()];
        }
    }

    @Override
    public Workspace newWorkspace() {
        return new Ws(this);
    }

    @Override
    public float step(float[] x, float[] y, float[] state, int off, float dt, Workspace workspace) {
        Ws ws = (Ws) workspace;
        int n = units;
        float[] v = ws.v;
        if (lstm != null) {
            System.arraycopy(x, 0, ws.uh, 0, s);
            System.arraycopy(state, off, ws.uh, s, n);
            lstm.step(k, ws.uh, ws.z, state, off + n);
            System.arraycopy(ws.uh, s, v, 0, n);
        } else {
            System.arraycopy(state, off, v, 0, n);
        }
        float[] xin = ws.xin;
        for (int i = 0; i < s; i++) {
            xin[i] = inWf.length == 0 ? x[i] : inBf.length == 0 ? x[i] * inWf[i] : x[i] * inWf[i] + inBf[i];
        }
        k.synapseCurrents(sensory, xin, ws.sScratch, ws.ns, ws.ds);
        float perDt = unfolds / dt;
        for (int j = 0; j < n; j++) {
            float c = fCm[j] * perDt;
            ws.cmt[j] = c;
            ws.numBase[j] = gVleak[j] + ws.ns[j];
            ws.denBase[j] = c + gEps[j] + ws.ds[j];
        }
        for (int u = 0; u < unfolds; u++) {
            k.synapseCurrents(recurrent, v, ws.rScratch, ws.num, ws.den);
            k.ltcUpdate(v, ws.cmt, ws.numBase, ws.denBase, ws.num, ws.den, n);
        }
        System.arraycopy(v, 0, state, off, n);
        for (int j = 0; j < m; j++) {
            y[j] = outWf.length == 0 ? v[j] : outBf.length == 0 ? v[j] * outWf[j] : v[j] * outWf[j] + outBf[j];
        }
        return Float.NaN;
    }

    /** Per-worker buffers of lane mode, each [rows][lanes] lane-major. */
    private static final class LaneWs implements Workspace {
        final int lanes;
        final float[] xin;               // [s][lanes] mapped input
        final float[] v;                 // [n][lanes]
        final float[] ns, ds;            // [n][lanes] sensory sums
        final float[] num, den;          // [n][lanes] recurrent sums of one unfold
        final float[] cmt, numBase, denBase; // [n][lanes]

        LaneWs(LtcLayer l, int lanes) {
            int n = l.units * lanes;
            this.lanes = lanes;
            xin = new float[l.s * lanes];
            v = new float[n];
            ns = new float[n];
            ds = new float[n];
            num = new float[n];
            den = new float[n];
            cmt = new float[n];
            numBase = new float[n];
            denBase = new float[n];
        }
    }

    /** Mixed memory has no lane kernel; such layers run sample by sample. */
    @Override
    public boolean supportsLanes() {
        return lstm == null;
    }

    @Override
    public Workspace newLaneWorkspace(int lanes) {
        if (!supportsLanes()) {
            throw new UnsupportedOperationException(name + ": mixed-memory LTC has no lane mode");
        }
        return new LaneWs(this, lanes);
    }

    @Override
    public void stepLanes(float[] x, float[] y, float[] state, int off, float[] dt, int lanes, Workspace workspace) {
        LaneWs ws = (LaneWs) workspace;
        if (ws.lanes != lanes) {
            throw new IllegalArgumentException(name + ": lane workspace for " + ws.lanes + " lanes, asked for " + lanes);
        }
        int n = units;
        float[] v = ws.v;
        System.arraycopy(state, off, v, 0, n * lanes);
        float[] xin = ws.xin;
        for (int i = 0; i < s; i++) {
            float a = inWf.length == 0 ? 1f : inWf[i];
            float c = inBf.length == 0 ? 0f : inBf[i];
            for (int l = i * lanes, end = l + lanes; l < end; l++) {
                // the same float expression as step(): x, x*w or x*w + b
                xin[l] = inWf.length == 0 ? x[l] : inBf.length == 0 ? x[l] * a : x[l] * a + c;
            }
        }
        k.synapseCurrentsLanes(sensory, xin, ws.ns, ws.ds, lanes);
        for (int j = 0; j < n; j++) {
            float fc = fCm[j];
            float gv = gVleak[j];
            float ge = gEps[j];
            for (int l = 0, e = j * lanes; l < lanes; l++, e++) {
                float c = fc * (unfolds / dt[l]);
                ws.cmt[e] = c;
                ws.numBase[e] = gv + ws.ns[e];
                ws.denBase[e] = c + ge + ws.ds[e];
            }
        }
        for (int u = 0; u < unfolds; u++) {
            k.synapseCurrentsLanes(recurrent, v, ws.num, ws.den, lanes);
            k.ltcUpdateLanes(v, ws.cmt, ws.numBase, ws.denBase, ws.num, ws.den, n, lanes);
        }
        System.arraycopy(v, 0, state, off, n * lanes);
        for (int j = 0; j < m; j++) {
            float a = outWf.length == 0 ? 1f : outWf[j];
            float c = outBf.length == 0 ? 0f : outBf[j];
            for (int l = j * lanes, end = l + lanes; l < end; l++) {
                y[l] = outWf.length == 0 ? v[l] : outBf.length == 0 ? v[l] * a : v[l] * a + c;
            }
        }
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int off, double dt) {
        int n = units;
        if (lstm != null) {
            lstm.stepReference(x, state, off, off + n);
        }
        double[] xin = new double[s];
        for (int i = 0; i < s; i++) {
            xin[i] = inW.length == 0 ? x[i] : inB.length == 0 ? x[i] * inW[i] : x[i] * inW[i] + inB[i];
        }
        double[] ns = new double[n];
        double[] ds = new double[n];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < n; j++) {
                int e = i * n + j;
                double a = sW[e] * KernelMath.sigmoid(sSigma[e] * (xin[i] - sMu[e])) * sMask[e];
                ns[j] += a * sErev[e];
                ds[j] += a;
            }
        }
        double[] cmt = new double[n];
        for (int j = 0; j < n; j++) {
            cmt[j] = cm[j] / (dt / unfolds);
        }
        double[] v = new double[n];
        System.arraycopy(state, off, v, 0, n);
        double[] next = new double[n];
        for (int u = 0; u < unfolds; u++) {
            for (int j = 0; j < n; j++) {
                double wn = 0.0;
                double wd = 0.0;
                for (int i = 0; i < n; i++) {
                    int e = i * n + j;
                    double a = w[e] * KernelMath.sigmoid(sigma[e] * (v[i] - mu[e])) * mask[e];
                    wn += a * erev[e];
                    wd += a;
                }
                double numerator = cmt[j] * v[j] + gleak[j] * vleak[j] + (wn + ns[j]);
                double denominator = cmt[j] + gleak[j] + (wd + ds[j]);
                next[j] = numerator / (denominator + eps);
            }
            System.arraycopy(next, 0, v, 0, n);
        }
        System.arraycopy(v, 0, state, off, n);
        for (int j = 0; j < m; j++) {
            y[j] = outW.length == 0 ? v[j] : outB.length == 0 ? v[j] * outW[j] : v[j] * outW[j] + outB[j];
        }
        return Double.NaN;
    }

    /**
     * C of {@link #step}: the unfolds run on the layer state in place (the recurrent sums of an unfold
     * read all of v before any neuron is updated); only present synapses are written.
     */
    @Override
    public void writeC(CSource c) {
        int n = units;
        if (lstm != null) {
            String uh = c.scratch("uh", s + n);
            c.line("for (int i = 0; i < %d; i++) {", s);
            c.line("%s[i] = x[i];", uh);
            c.line("}");
            c.line("for (int j = 0; j < %d; j++) {", n);
            c.line("%s[%d + j] = st[j];", uh, s);
            c.line("}");
            lstm.writeC(c, uh, "(st + " + n + ")");
            c.line("for (int j = 0; j < %d; j++) {", n);
            c.line("st[j] = %s[%d + j];", uh, s);
            c.line("}");
        }
        String xin = "x";
        if (inWf.length > 0) {
            xin = c.scratch("xin", s);
            String iw = c.floats("in_w", inWf);
            String ib = inBf.length == 0 ? null : c.floats("in_b", inBf);
            c.line("for (int i = 0; i < %d; i++) {", s);
            c.line(ib == null ? "%s[i] = x[i] * %s[i];" : "%s[i] = x[i] * %s[i] + %s[i];", xin, iw, ib);
            c.line("}");
        }
        String num = c.scratch("num", n);
        String den = c.scratch("den", n);
        String cmt = c.scratch("cmt", n);
        String nb = c.scratch("num_base", n);
        String db = c.scratch("den_base", n);
        LiquidC.synapses(c, "sensory", sensory, xin, num, den);
        String cm = c.floats("cm", fCm);
        String gv = c.floats("gleak_vleak", gVleak);
        String ge = c.floats("gleak_eps", gEps);
        c.line("float per_dt = %s / dt;", CSource.literal(unfolds));
        c.line("for (int j = 0; j < %d; j++) {", n);
        c.line("float cj = %s[j] * per_dt;", cm);
        c.line("%s[j] = cj;", cmt);
        c.line("%s[j] = %s[j] + %s[j];", nb, gv, num);
        c.line("%s[j] = cj + %s[j] + %s[j];", db, ge, den);
        c.line("}");
        c.line("for (int u = 0; u < %d; u++) {", unfolds);
        LiquidC.synapses(c, "recurrent", recurrent, "st", num, den);
        c.line("for (int j = 0; j < %d; j++) {", n);
        c.line("st[j] = (%s[j] * st[j] + %s[j] + %s[j]) / (%s[j] + %s[j]);", cmt, nb, num, db, den);
        c.line("}");
        c.line("}");
        String ow = outWf.length == 0 ? null : c.floats("out_w", outWf);
        String ob = outBf.length == 0 ? null : c.floats("out_b", outBf);
        c.line("for (int j = 0; j < %d; j++) {", m);
        c.line(ow == null ? "y[j] = st[j];" : ob == null ? "y[j] = st[j] * %s[j];" : "y[j] = st[j] * %s[j] + %s[j];", ow, ob);
        c.line("}");
        c.line("(void)x;");
        c.line("return 0.0f;");
    }

    /**
     * Counting rules (every multiply is one MAC whether or not it accumulates; additions are free; each
     * exp/tanh/sigmoid evaluation is one transcendental, a sigmoid's reciprocal included; softplus of
     * parameters is done at load and costs nothing per step; masked-out synapses cost nothing):
     * input mapping 1 MAC per input (affine or linear); per present sensory synapse 3 MACs
     * (sigma*(x-mu), f(w)*sigmoid, times erev) and 1 sigmoid; cm_t: 1 division (unfolds/dt) and n MACs; then
     * per unfold, per present recurrent synapse 3 MACs and 1 sigmoid, and per neuron 1 MAC (cm_t*v) and
     * 1 division; output mapping 1 MAC per motor neuron; plus the mixed-memory cell when present.
     */
    @Override
    public OpCounts opsPerStep() {
        long n = units;
        long macs = (spec.inputMapping() == NcpsSpec.Mapping.NONE ? 0 : s)
                + 3 * presentSensory + n
                + unfolds * (3 * presentRecurrent + n)
                + (spec.outputMapping() == NcpsSpec.Mapping.NONE ? 0 : m);
        OpCounts c = new OpCounts(macs, presentSensory + unfolds * presentRecurrent, 1 + unfolds * n, 0);
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
        return new SynapseCount((long) units * units + (long) s * units, presentRecurrent + presentSensory);
    }

    @Override
    public double[] synapseMagnitudes() {
        double[] mag = new double[(int) (presentRecurrent + presentSensory)];
        int k = 0;
        for (int e = 0; e < mask.length; e++) {
            if (mask[e] != 0.0) {
                mag[k++] = Math.abs(w[e]);
            }
        }
        for (int e = 0; e < sMask.length; e++) {
            if (sMask[e] != 0.0) {
                mag[k++] = Math.abs(sW[e]);
            }
        }
        return mag;
    }

    @Override
    public Layer withoutSynapses(boolean[] remove) {
        if (remove.length != presentRecurrent + presentSensory) {
            throw new EngineException(name + ": withoutSynapses needs one flag per present synapse ("
                    + (presentRecurrent + presentSensory) + "), got " + remove.length);
        }
        double[] rm = mask.clone();
        double[] sm = sMask.clone();
        int k = 0;
        for (int e = 0; e < rm.length; e++) {
            if (rm[e] != 0.0 && remove[k++]) {
                rm[e] = 0.0;
            }
        }
        for (int e = 0; e < sm.length; e++) {
            if (sm[e] != 0.0 && remove[k++]) {
                sm[e] = 0.0;
            }
        }
        return new LtcLayer(name, spec, tensors.with(NcpsSpec.LTC_MASK, rm).with(NcpsSpec.LTC_SENSORY_MASK, sm));
    }
}
