package dev.quantumliquid.train.kernel;

/**
 * The hot loops of {@link LtcKernel}, in two twins: {@link ScalarLtcLoops} (plain loops over the
 * samples, Math.exp: the reference) and {@link VectorLtcLoops} (Vector API over the samples). Both
 * compute what {@link TrainableLtc} computes on the tape, in float64, up to rounding.
 *
 * <p>Layouts: a neuron-major, sample-minor block {@code [rows][bp]} holds one value per neuron (or
 * input) and sample, bp (the chunk's width) a multiple of {@link #LANES}; a synapse list for the n
 * post neurons is {@code start[n + 1]} and, per synapse e in post-neuron order, its pre neuron
 * {@code pre[e]} and its parameters sig[e], mu[e], fw[e] (= w after the constraint, times the mask) and
 * erev[e]. Gradient accumulators per synapse are laned, {@code g[e * LANES + lane]}, summed over lanes
 * by the caller. No loop allocates.
 */
public interface LtcLoops {
    LtcLoops SCALAR = new ScalarLtcLoops();
    LtcLoops VECTOR = new VectorLtcLoops();
    /** Samples per vector; chunk widths are padded to a multiple of it (the same for both twins). */
    int LANES = VectorLtcLoops.LANES;

    /**
     * For every post neuron j < n and sample b < bp, over j's synapses e in list order from 0:
     * wn[j bp + b] = sum a_e erev[e], wd[j bp + b] = sum a_e, where
     * a_e = fw[e] sigmoid(sig[e] (src[off + pre[e] bp + b] - mu[e])); when act is not null, the sigmoids
     * go to act[actOff + e bp + b].
     */
    void synForward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] wn, double[] wd, double[] act, int actOff);

    /**
     * The backward sweep of {@link #synForward} given dwn = dL/dwn and dwd = dL/dwd ([n][bp]), with the
     * sigmoids that forward kept in act (or, when act is null, recomputing them from src): adds
     * dL/dsrc into dsrc ([rows][bp], from 0) and, per synapse, dL/derev into gErev, dL/dfw (before the
     * mask) into gFw, dL/dsig into gSig and dL/dmu into gMu.
     */
    void synBackward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] act, int actOff, double[] dwn, double[] dwd, double[] dsrc, double[] gErev,
            double[] gFw, double[] gSig, double[] gMu);

    /**
     * One fused semi-implicit unfold for j < n, b < bp (v = v[vOff + j bp + b]):
     * num = (cmt v + gv[j]) + (wn + ns), D = (denC + (wd + ds)) + eps; writes next = num / D at
     * v[nextOff + j bp + b] and D at den[denOff + j bp + b]. cmt, denC, wn, wd, ns, ds are [n][bp].
     */
    void combine(int n, int bp, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt, double[] gv,
            double[] denC, double[] wn, double[] wd, double[] ns, double[] ds, double eps);

    /**
     * The backward sweep of {@link #combine} given g = dL/dnext ([n][bp]): dnum = g / D,
     * dD = -dnum next (written to dnum and dD); dv = dnum cmt (written: the direct path to v); and
     * accumulated: accNum += dnum, accD += dD, accCm += (dnum v + dD) idtk[b], dns += dnum, dds += dD.
     */
    void uncombine(int n, int bp, double[] g, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt,
            double[] idtk, double[] dnum, double[] dD, double[] dv, double[] accNum, double[] accD, double[] accCm,
            double[] dns, double[] dds);

    /**
     * The mixed-memory (LSTM) cell for one step, for b < bp: pre = Wi x + bi + Wr h ([4n][bp] into pre),
     * gates i = tanh, ig = sigmoid, fg = sigmoid(. + 1), og = sigmoid written to gates[gOff..] as
     * [4n][bp], c' = c fg + i ig to cOut and tanh(c') to tcOut (at outOff), h' = tanh(c') og to hOut (at hOutOff). Weights in p at
     * wi [4n][in], bi [4n], wr [4n][n].
     */
    void lstmForward(int n, int in, int bp, double[] p, int wi, int bi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] c, int cOff, double[] pre, double[] gates, int gOff, double[] cOut, double[] tcOut, int outOff,
            double[] hOut, int hOutOff);

    /**
     * The backward sweep of {@link #lstmForward} given dh = dL/dh' and dc = dL/dc' ([n][bp]): writes
     * dL/dh into dhOut, replaces dc by dL/dc, adds dL/dx into dx ([in][bp]) and the weight gradients into
     * the laned accumulators gWi [4n in][LANES], gBi [4n][LANES], gWr [4n n][LANES]; dpre is [4n][bp]
     * scratch.
     */
    void lstmBackward(int n, int in, int bp, double[] p, int wi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] cPrev, int cOff, double[] gates, int gOff, double[] tc, int tcOff, double[] dh, double[] dc,
            double[] dpre, double[] dhOut, double[] dx, double[] gWi, double[] gBi, double[] gWr);
}
