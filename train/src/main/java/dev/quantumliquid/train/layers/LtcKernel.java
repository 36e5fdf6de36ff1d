package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.LtcLoops;
import dev.quantumliquid.engine.layer.ParamTable;
import dev.quantumliquid.engine.liquid.NcpsSpec;

/**
 * The LTC's batched BPTT kernel: the tape layer's forward ({@link TrainableLtc#begin}) written out over a
 * chunk of sequences at once, and its reverse sweep by hand. Per step: the mixed-memory cell (when on),
 * the input mapping, the sensory synapses once, then ode_unfolds fused semi-implicit unfolds over the
 * recurrent synapses, and the output mapping of the motor neurons.
 *
 * <p>Only present synapses are visited: the masks are constants, so the per-post-neuron synapse lists
 * are built once here; the constrained parameters (softplus of w, cm, gleak) change with every
 * optimiser step and are derived at every {@link #forward}, into the thread's scratch. State is laid
 * out neuron-major, sample-minor ({@code [n][bp]}, bp the chunk width rounded up to
 * {@link LtcLoops#LANES}) so the hot loops ({@link LtcLoops}) run over the samples; padded samples
 * see input 0, time span 1 and a zero output gradient, so they add exactly 0 to every gradient.
 * Vectorising over the synapses instead (gathering the pre-synaptic potentials of a flattened list,
 * summing per post neuron in scalar) made the forward 2.3x slower side by side on AutoNCP(28, 4): its
 * lists are short (3 to 9 synapses per neuron) and a gather costs more than a contiguous load.
 *
 * <p>The forward keeps, per step, the neuron potentials before and after every unfold, every unfold's
 * denominator and every synapse's sigmoid, so the backward evaluates no exponential (it recomputes the
 * sigmoids instead when keeping them would pass {@link #ACT_BUDGET}).
 */
final class LtcKernel implements BatchKernel {
    /** Offsets of the layer's parameter blocks in its params() vector, read from the spec's table; -1 when absent. */
    record Layout(int gleak, int vleak, int cm, int sigma, int mu, int w, int erev, int sSigma, int sMu, int sW, int sErev, int inW,
            int inB, int outW, int outB, int wi, int bi, int wr) {
        static Layout of(ParamTable t) {
            return new Layout(t.offset(NcpsSpec.LTC_GLEAK), t.offset(NcpsSpec.LTC_VLEAK), t.offset(NcpsSpec.LTC_CM),
                    t.offset(NcpsSpec.LTC_SIGMA), t.offset(NcpsSpec.LTC_MU), t.offset(NcpsSpec.LTC_W), t.offset(NcpsSpec.LTC_EREV),
                    t.offset(NcpsSpec.LTC_SENSORY_SIGMA), t.offset(NcpsSpec.LTC_SENSORY_MU), t.offset(NcpsSpec.LTC_SENSORY_W),
                    t.offset(NcpsSpec.LTC_SENSORY_EREV), optional(t, NcpsSpec.LTC_INPUT_W), optional(t, NcpsSpec.LTC_INPUT_B),
                    optional(t, NcpsSpec.LTC_OUTPUT_W), optional(t, NcpsSpec.LTC_OUTPUT_B), optional(t, NcpsSpec.LSTM_INPUT_W),
                    optional(t, NcpsSpec.LSTM_INPUT_B), optional(t, NcpsSpec.LSTM_RECURRENT_W));
        }

        private static int optional(ParamTable t, String name) {
            return t.offsetIfPresent(name).orElse(-1);
        }
    }

    private static final int L = LtcLoops.LANES;
    /**
     * The most synapse sigmoids (doubles) one scratch keeps for the backward sweep (32 MiB); past it
     * (long windows over dense wirings) the backward recomputes them instead.
     */
    static final long ACT_BUDGET = 4L << 20;

    private final LtcLoops loops;
    private final long actBudget;
    private final Layout o;
    private final int n, s, m, k;
    private final double eps;
    private final boolean implicit;
    private final boolean mixed;
    // Recurrent synapses by post neuron j (pre ascending, the tape's order): start[n + 1], pre neuron,
    // index into the [n][n] blocks, mask value.
    private final int[] rStart, rPre, rIdx;
    private final double[] rMask;
    // Sensory synapses likewise, pre = input index, index into the [s][n] blocks.
    private final int[] sStart, sPre, sIdx;
    private final double[] sMask;

    LtcKernel(NcpsSpec c, double[] mask, double[] sensoryMask, LtcLoops loops, long actBudget) {
        this.loops = loops;
        this.actBudget = actBudget;
        this.o = Layout.of(c.parameters());
        this.n = c.units();
        this.s = c.inputSize();
        this.m = c.outputSize();
        this.k = c.odeUnfolds();
        this.eps = c.epsilon();
        this.implicit = c.implicitConstraints();
        this.mixed = c.mixedMemory();
        int[][] r = lists(mask, n);
        rStart = r[0];
        rPre = r[1];
        rIdx = r[2];
        rMask = masks(mask, rIdx);
        int[][] q = lists(sensoryMask, s);
        sStart = q[0];
        sPre = q[1];
        sIdx = q[2];
        sMask = masks(sensoryMask, sIdx);
    }

    /** [0] start[n + 1], [1] pre, [2] flat index pre * n + post of the nonzero entries of a [pres][n] mask. */
    private int[][] lists(double[] mask, int pres) {
        int count = 0;
        for (double v : mask) {
            if (v != 0.0) {
                count++;
            }
        }
        int[] start = new int[n + 1];
        int[] pre = new int[count];
        int[] idx = new int[count];
        int e = 0;
        for (int j = 0; j < n; j++) {
            start[j] = e;
            for (int i = 0; i < pres; i++) {
                if (mask[i * n + j] != 0.0) {
                    pre[e] = i;
                    idx[e++] = i * n + j;
                }
            }
        }
        start[n] = e;
        return new int[][] {start, pre, idx};
    }

    private static double[] masks(double[] mask, int[] idx) {
        double[] v = new double[idx.length];
        for (int e = 0; e < idx.length; e++) {
            v[e] = mask[idx[e]];
        }
        return v;
    }

    /** One thread's memory: the derived parameters of the last forward, its activations, the backward's buffers. */
    private final class ThreadBuffers implements Scratch {
        final int batch;
        final int steps;
        // Derived parameters (per forward call).
        final double[] fGleak = new double[n], dGleak = new double[n], fCm = new double[n], dCm = new double[n],
                gv = new double[n];
        final double[] rSig, rMu, rFw, rErev, rDw; // per recurrent synapse; rDw = d softplus(w) / dw
        final double[] sSig, sMu, sFw, sErev, sDw;
        // Activations, [T]...[bp] blocks sized for the widest chunk.
        final double[] xr;   // [T][s][bp] raw inputs
        final double[] xin;  // [T][s][bp] mapped inputs
        final double[] dtk;  // [T][bp] dt / ode_unfolds
        final double[] v;    // [T][k + 1][n][bp] potentials before and after each unfold
        final double[] den;  // [T][k][n][bp] each unfold's denominator (with epsilon)
        final double[] rAct; // [T][k][recurrent synapses][bp] sigmoids, null when over the budget
        final double[] sAct; // [T][sensory synapses][bp] sigmoids, likewise
        final double[] gates, cs, tcs; // mixed memory: [T][4n][bp], [T][n][bp], [T][n][bp]
        // Per-step buffers.
        final double[] zeros, cmt, denC, wn, wd, ns, ds, pre; // [n][bp] (pre [4n][bp])
        final double[] g, gNew, dnum, dD, dns, dds, dc, dpre, idtk, dxin, dxr;
        // Gradient accumulators, per (neuron, sample) or laned.
        final double[] accNum, accD, accCm, accInW, accInB, accOutW, accOutB;
        final double[] gRE, gRF, gRS, gRM, gSE, gSF, gSS, gSM, gWi, gBi, gWr;

        ThreadBuffers(int batch, int steps) {
            this.batch = batch;
            this.steps = steps;
            int bp = pad(batch);
            int nr = rPre.length;
            int ns0 = sPre.length;
            rSig = new double[nr];
            rMu = new double[nr];
            rFw = new double[nr];
            rErev = new double[nr];
            rDw = new double[nr];
            sSig = new double[ns0];
            sMu = new double[ns0];
            sFw = new double[ns0];
            sErev = new double[ns0];
            sDw = new double[ns0];
            xr = new double[steps * s * bp];
            xin = new double[steps * s * bp];
            dtk = new double[steps * bp];
            v = new double[steps * (k + 1) * n * bp];
            den = new double[steps * k * n * bp];
            boolean keep = (long) steps * (k * nr + ns0) * bp <= actBudget;
            rAct = keep ? new double[steps * k * nr * bp] : null;
            sAct = keep ? new double[steps * ns0 * bp] : null;
            int mmRows = mixed ? 1 : 0;
            gates = new double[mmRows * steps * 4 * n * bp];
            cs = new double[mmRows * steps * n * bp];
            tcs = new double[mmRows * steps * n * bp];
            int nb = n * bp;
            zeros = new double[nb];
            cmt = new double[nb];
            denC = new double[nb];
            wn = new double[nb];
            wd = new double[nb];
            ns = new double[nb];
            ds = new double[nb];
            pre = new double[mmRows * 4 * nb];
            g = new double[nb];
            gNew = new double[nb];
            dnum = new double[nb];
            dD = new double[nb];
            dns = new double[nb];
            dds = new double[nb];
            dc = new double[nb];
            dpre = new double[mmRows * 4 * nb];
            idtk = new double[bp];
            dxin = new double[s * bp];
            dxr = new double[s * bp];
            accNum = new double[nb];
            accD = new double[nb];
            accCm = new double[nb];
            accInW = new double[s * bp];
            accInB = new double[s * bp];
            accOutW = new double[m * bp];
            accOutB = new double[m * bp];
            gRE = new double[nr * L];
            gRF = new double[nr * L];
            gRS = new double[nr * L];
            gRM = new double[nr * L];
            gSE = new double[ns0 * L];
            gSF = new double[ns0 * L];
            gSS = new double[ns0 * L];
            gSM = new double[ns0 * L];
            gWi = new double[mmRows * 4 * n * s * L];
            gBi = new double[mmRows * 4 * n * L];
            gWr = new double[mmRows * 4 * n * n * L];
        }

        void clearAccumulators() {
            java.util.Arrays.fill(accNum, 0.0);
            java.util.Arrays.fill(accD, 0.0);
            java.util.Arrays.fill(accCm, 0.0);
            java.util.Arrays.fill(accInW, 0.0);
            java.util.Arrays.fill(accInB, 0.0);
            java.util.Arrays.fill(accOutW, 0.0);
            java.util.Arrays.fill(accOutB, 0.0);
            java.util.Arrays.fill(gRE, 0.0);
            java.util.Arrays.fill(gRF, 0.0);
            java.util.Arrays.fill(gRS, 0.0);
            java.util.Arrays.fill(gRM, 0.0);
            java.util.Arrays.fill(gSE, 0.0);
            java.util.Arrays.fill(gSF, 0.0);
            java.util.Arrays.fill(gSS, 0.0);
            java.util.Arrays.fill(gSM, 0.0);
            java.util.Arrays.fill(gWi, 0.0);
            java.util.Arrays.fill(gBi, 0.0);
            java.util.Arrays.fill(gWr, 0.0);
        }
    }

    private static int pad(int batch) {
        return (batch + L - 1) / L * L;
    }

    @Override
    public Scratch scratch(int batch, int steps) {
        return new ThreadBuffers(batch, steps);
    }

    /** torch Softplus (threshold 20) when the constraints are on, else the identity. */
    private double positive(double z) {
        return !implicit ? z : KernelMath.softplus(z);
    }

    /** The derivative of {@link #positive}. */
    private double positiveSlope(double z) {
        return !implicit || z > 20.0 ? 1.0 : KernelMath.sigmoid(z);
    }

    private void derive(double[] p, ThreadBuffers a) {
        for (int j = 0; j < n; j++) {
            a.fGleak[j] = positive(p[o.gleak() + j]);
            a.dGleak[j] = positiveSlope(p[o.gleak() + j]);
            a.fCm[j] = positive(p[o.cm() + j]);
            a.dCm[j] = positiveSlope(p[o.cm() + j]);
            a.gv[j] = a.fGleak[j] * p[o.vleak() + j];
        }
        for (int e = 0; e < rIdx.length; e++) {
            int f = rIdx[e];
            a.rSig[e] = p[o.sigma() + f];
            a.rMu[e] = p[o.mu() + f];
            a.rFw[e] = positive(p[o.w() + f]) * rMask[e];
            a.rErev[e] = p[o.erev() + f];
            a.rDw[e] = positiveSlope(p[o.w() + f]);
        }
        for (int e = 0; e < sIdx.length; e++) {
            int f = sIdx[e];
            a.sSig[e] = p[o.sSigma() + f];
            a.sMu[e] = p[o.sMu() + f];
            a.sFw[e] = positive(p[o.sW() + f]) * sMask[e];
            a.sErev[e] = p[o.sErev() + f];
            a.sDw[e] = positiveSlope(p[o.sW() + f]);
        }
    }

    private static void check(ThreadBuffers a, int batch, int steps) {
        if (batch < 1 || batch > a.batch || steps > a.steps) {
            throw new IllegalArgumentException("chunk of " + batch + " x " + steps + " does not fit scratch for "
                    + a.batch + " x " + a.steps);
        }
    }

    @Override
    public void forward(double[] p, Scratch scratch, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers a = (ThreadBuffers) scratch;
        check(a, batch, steps);
        derive(p, a);
        int bp = pad(batch);
        int nb = n * bp;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < bp; b++) {
                a.dtk[t * bp + b] = (b < batch ? dt[t * batch + b] : 1.0) / k;
            }
            for (int i = 0; i < s; i++) {
                double wgt = o.inW() < 0 ? 1.0 : p[o.inW() + i];
                double bias = o.inB() < 0 ? 0.0 : p[o.inB() + i];
                int row = (t * s + i) * bp;
                for (int b = 0; b < bp; b++) {
                    double xv = b < batch ? x[(t * batch + b) * s + i] : 0.0;
                    a.xr[row + b] = xv;
                    a.xin[row + b] = o.inW() < 0 ? xv : o.inB() < 0 ? xv * wgt : xv * wgt + bias;
                }
            }
        }
        for (int t = 0; t < steps; t++) {
            int v0 = t * (k + 1) * nb;
            if (mixed) {
                double[] h = t == 0 ? a.zeros : a.v;
                int hOff = t == 0 ? 0 : v0 - nb;
                double[] c = t == 0 ? a.zeros : a.cs;
                int cOff = t == 0 ? 0 : (t - 1) * nb;
                loops.lstmForward(n, s, bp, p, o.wi(), o.bi(), o.wr(), a.xr, t * s * bp, h, hOff, c, cOff, a.pre, a.gates,
                        t * 4 * nb, a.cs, a.tcs, t * nb, a.v, v0);
            } else if (t == 0) {
                java.util.Arrays.fill(a.v, v0, v0 + nb, 0.0);
            } else {
                System.arraycopy(a.v, v0 - nb, a.v, v0, nb);
            }
            loops.synForward(n, bp, sStart, sPre, a.sSig, a.sMu, a.sFw, a.sErev, a.xin, t * s * bp, a.ns, a.ds, a.sAct,
                    t * sPre.length * bp);
            for (int j = 0; j < n; j++) {
                for (int b = 0; b < bp; b++) {
                    double c = a.fCm[j] / a.dtk[t * bp + b];
                    a.cmt[j * bp + b] = c;
                    a.denC[j * bp + b] = c + a.fGleak[j];
                }
            }
            for (int u = 0; u < k; u++) {
                int vu = v0 + u * nb;
                loops.synForward(n, bp, rStart, rPre, a.rSig, a.rMu, a.rFw, a.rErev, a.v, vu, a.wn, a.wd, a.rAct,
                        (t * k + u) * rPre.length * bp);
                loops.combine(n, bp, a.v, vu, vu + nb, a.den, (t * k + u) * nb, a.cmt, a.gv, a.denC, a.wn, a.wd, a.ns, a.ds, eps);
            }
            int vk = v0 + k * nb;
            for (int j = 0; j < m; j++) {
                double wgt = o.outW() < 0 ? 1.0 : p[o.outW() + j];
                double bias = o.outB() < 0 ? 0.0 : p[o.outB() + j];
                for (int b = 0; b < batch; b++) {
                    double vv = a.v[vk + j * bp + b];
                    y[(t * batch + b) * m + j] = o.outW() < 0 ? vv : o.outB() < 0 ? vv * wgt : vv * wgt + bias;
                }
            }
        }
    }

    @Override
    public void backward(double[] p, Scratch scratch, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers a = (ThreadBuffers) scratch;
        check(a, batch, steps);
        int bp = pad(batch);
        int nb = n * bp;
        a.clearAccumulators();
        double[] g = a.g;     // dL/d potentials after the current unfold (before it once swept)
        double[] gNew = a.gNew;
        java.util.Arrays.fill(g, 0, nb, 0.0);
        java.util.Arrays.fill(a.dc, 0, nb, 0.0);
        for (int t = steps - 1; t >= 0; t--) {
            int v0 = t * (k + 1) * nb;
            int vk = v0 + k * nb;
            for (int j = 0; j < m; j++) {
                double wgt = o.outW() < 0 ? 1.0 : p[o.outW() + j];
                for (int b = 0; b < batch; b++) {
                    double d = dy[(t * batch + b) * m + j];
                    int q = j * bp + b;
                    if (o.outW() >= 0) {
                        a.accOutW[q] += d * a.v[vk + q];
                    }
                    if (o.outB() >= 0) {
                        a.accOutB[q] += d;
                    }
                    g[q] += o.outW() < 0 ? d : d * wgt;
                }
            }
            for (int b = 0; b < bp; b++) {
                a.idtk[b] = 1.0 / a.dtk[t * bp + b];
            }
            for (int j = 0; j < n; j++) {
                for (int b = 0; b < bp; b++) {
                    a.cmt[j * bp + b] = a.fCm[j] / a.dtk[t * bp + b];
                }
            }
            java.util.Arrays.fill(a.dns, 0, nb, 0.0);
            java.util.Arrays.fill(a.dds, 0, nb, 0.0);
            for (int u = k - 1; u >= 0; u--) {
                int vu = v0 + u * nb;
                loops.uncombine(n, bp, g, a.v, vu, vu + nb, a.den, (t * k + u) * nb, a.cmt, a.idtk, a.dnum, a.dD, gNew, a.accNum,
                        a.accD, a.accCm, a.dns, a.dds);
                loops.synBackward(n, bp, rStart, rPre, a.rSig, a.rMu, a.rFw, a.rErev, a.v, vu, a.rAct, (t * k + u) * rPre.length * bp,
                        a.dnum, a.dD, gNew, a.gRE, a.gRF, a.gRS, a.gRM);
                double[] tmp = g;
                g = gNew;
                gNew = tmp;
            }
            java.util.Arrays.fill(a.dxin, 0, s * bp, 0.0);
            loops.synBackward(n, bp, sStart, sPre, a.sSig, a.sMu, a.sFw, a.sErev, a.xin, t * s * bp, a.sAct, t * sPre.length * bp,
                    a.dns, a.dds, a.dxin, a.gSE, a.gSF, a.gSS, a.gSM);
            for (int i = 0; i < s; i++) {
                double wgt = o.inW() < 0 ? 1.0 : p[o.inW() + i];
                int row = (t * s + i) * bp;
                for (int b = 0; b < bp; b++) {
                    int q = i * bp + b;
                    double d = a.dxin[q];
                    if (o.inW() >= 0) {
                        a.accInW[q] += d * a.xr[row + b];
                    }
                    if (o.inB() >= 0) {
                        a.accInB[q] += d;
                    }
                    a.dxr[q] = o.inW() < 0 ? d : d * wgt;
                }
            }
            if (mixed) {
                double[] h = t == 0 ? a.zeros : a.v;
                int hOff = t == 0 ? 0 : v0 - nb;
                double[] c = t == 0 ? a.zeros : a.cs;
                int cOff = t == 0 ? 0 : (t - 1) * nb;
                loops.lstmBackward(n, s, bp, p, o.wi(), o.wr(), a.xr, t * s * bp, h, hOff, c, cOff, a.gates, t * 4 * nb, a.tcs,
                        t * nb, g, a.dc, a.dpre, gNew, a.dxr, a.gWi, a.gBi, a.gWr);
                double[] tmp = g;
                g = gNew;
                gNew = tmp;
            }
            if (dx != null) {
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < s; i++) {
                        dx[(t * batch + b) * s + i] = a.dxr[i * bp + b];
                    }
                }
            }
        }
        gradients(p, a, bp, grad);
    }

    private static double lanes(double[] acc, int e) {
        double sum = 0.0;
        for (int l = 0; l < L; l++) {
            sum += acc[e * L + l];
        }
        return sum;
    }

    private static double row(double[] acc, int r, int bp) {
        double sum = 0.0;
        for (int b = 0; b < bp; b++) {
            sum += acc[r * bp + b];
        }
        return sum;
    }

    /** Sums the accumulators into dL/dparams and through the constraints. */
    private void gradients(double[] p, ThreadBuffers a, int bp, double[] grad) {
        for (int e = 0; e < rIdx.length; e++) {
            int f = rIdx[e];
            grad[o.erev() + f] += lanes(a.gRE, e);
            grad[o.sigma() + f] += lanes(a.gRS, e);
            grad[o.mu() + f] += lanes(a.gRM, e);
            grad[o.w() + f] += lanes(a.gRF, e) * rMask[e] * a.rDw[e];
        }
        for (int e = 0; e < sIdx.length; e++) {
            int f = sIdx[e];
            grad[o.sErev() + f] += lanes(a.gSE, e);
            grad[o.sSigma() + f] += lanes(a.gSS, e);
            grad[o.sMu() + f] += lanes(a.gSM, e);
            grad[o.sW() + f] += lanes(a.gSF, e) * sMask[e] * a.sDw[e];
        }
        for (int j = 0; j < n; j++) {
            double num = row(a.accNum, j, bp);
            grad[o.gleak() + j] += (row(a.accD, j, bp) + num * p[o.vleak() + j]) * a.dGleak[j];
            grad[o.vleak() + j] += num * a.fGleak[j];
            grad[o.cm() + j] += row(a.accCm, j, bp) * a.dCm[j];
        }
        for (int i = 0; i < s; i++) {
            if (o.inW() >= 0) {
                grad[o.inW() + i] += row(a.accInW, i, bp);
            }
            if (o.inB() >= 0) {
                grad[o.inB() + i] += row(a.accInB, i, bp);
            }
        }
        for (int j = 0; j < m; j++) {
            if (o.outW() >= 0) {
                grad[o.outW() + j] += row(a.accOutW, j, bp);
            }
            if (o.outB() >= 0) {
                grad[o.outB() + j] += row(a.accOutB, j, bp);
            }
        }
        if (mixed) {
            for (int r = 0; r < 4 * n; r++) {
                grad[o.bi() + r] += lanes(a.gBi, r);
                for (int c = 0; c < s; c++) {
                    grad[o.wi() + r * s + c] += lanes(a.gWi, r * s + c);
                }
                for (int c = 0; c < n; c++) {
                    grad[o.wr() + r * n + c] += lanes(a.gWr, r * n + c);
                }
            }
        }
    }
}
