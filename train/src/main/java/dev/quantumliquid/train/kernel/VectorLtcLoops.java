package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.kernel.VectorWidth;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link LtcLoops}: every loop runs over the samples of the chunk, one
 * DoubleVector of {@link #LANES} samples at a time, the per-synapse parameters broadcast. The synapse
 * sigmoid's e^z is written out (lanewise EXP is a call to an out-of-line stub per vector): z = n ln2 + r
 * with n rounded to nearest by the 1.5 2^52 trick (whose low bits then hold n for the exponent), r
 * reduced with a two-part ln2, e^r by the near-minimax degree-11 polynomial of {@link KernelMath} (|r| <= ln2/2: error 4e-18)
 * evaluated by Estrin's scheme (the loops are bound by the latency of this chain, which Estrin cuts from
 * 11 dependent fmas to 4 steps), so within a few ulp of Math.exp; z is clamped to [-708, 709] first
 * (compare and blend: lanewise MIN/MAX carry Math.min's NaN and -0.0 rules and cost several
 * instructions each) so 2^n stays a normal double, which moves a sigmoid by under 1e-300. Sums run in
 * the same order as the reference.
 *
 * <p>As in the engine's vector kernels, no helper takes or returns a vector (C2 may not inline it in a
 * big loop and would box the vector), so the exponential is written out at both places it is used.
 * The mixed-memory cell is left to the scalar reference: it is not on the hot path of a wired LTC.
 */
final class VectorLtcLoops implements LtcLoops {
    static final VectorSpecies<Double> S = VectorWidth.DOUBLES;
    static final int LANES = S.length();
    private static final ScalarLtcLoops REFERENCE = new ScalarLtcLoops();

    private static final double EXP_LO = KernelMath.EXP_LO, EXP_HI = KernelMath.EXP_HI;
    private static final double LOG2E = KernelMath.LOG2E, MAGIC = KernelMath.EXP_SHIFTER;
    private static final double LN2_HI = KernelMath.LN2_HI, LN2_LO = KernelMath.LN2_LO;
    private static final double E0 = KernelMath.MINIMAX_E0, E1 = KernelMath.MINIMAX_E1, E2 = KernelMath.MINIMAX_E2,
            E3 = KernelMath.MINIMAX_E3, E4 = KernelMath.MINIMAX_E4, E5 = KernelMath.MINIMAX_E5, E6 = KernelMath.MINIMAX_E6,
            E7 = KernelMath.MINIMAX_E7, E8 = KernelMath.MINIMAX_E8, E9 = KernelMath.MINIMAX_E9, E10 = KernelMath.MINIMAX_E10,
            E11 = KernelMath.MINIMAX_E11;

    @Override
    public void synForward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] wn, double[] wd, double[] acts, int actOff) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, -LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, -LN2_LO);
        for (int j = 0; j < n; j++) {
            int e0 = start[j];
            int e1 = start[j + 1];
            for (int b = 0; b < bp; b += LANES) {
                DoubleVector an = zero;
                DoubleVector ad = zero;
                for (int e = e0; e < e1; e++) {
                    DoubleVector xv = DoubleVector.fromArray(S, src, off + pre[e] * bp + b);
                    DoubleVector q = xv.sub(mu[e]).mul(-sig[e]);
                    q = q.blend(EXP_HI, q.compare(VectorOperators.GT, EXP_HI)).blend(EXP_LO, q.compare(VectorOperators.LT, EXP_LO));
                    DoubleVector tt = q.fma(LOG2E, MAGIC);
                    DoubleVector nn = tt.sub(MAGIC);
                    DoubleVector r = nn.fma(ln2Hi, q);
                    r = nn.fma(ln2Lo, r);
                    DoubleVector r2 = r.mul(r);
                    DoubleVector r4 = r2.mul(r2);
                    DoubleVector p0 = r.fma(E1, E0);
                    DoubleVector p1 = r.fma(E3, E2);
                    DoubleVector p2 = r.fma(E5, E4);
                    DoubleVector p3 = r.fma(E7, E6);
                    DoubleVector p4 = r.fma(E9, E8);
                    DoubleVector p5 = r.fma(E11, E10);
                    DoubleVector q0 = r2.fma(p1, p0);
                    DoubleVector q1 = r2.fma(p3, p2);
                    DoubleVector q2 = r2.fma(p5, p4);
                    DoubleVector pe = r4.mul(r4).fma(q2, r4.fma(q1, q0));
                    DoubleVector sc = tt.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52L).reinterpretAsDoubles();
                    DoubleVector act = one.div(one.add(pe.mul(sc)));
                    if (acts != null) {
                        act.intoArray(acts, actOff + e * bp + b);
                    }
                    DoubleVector a = act.mul(fw[e]);
                    an = an.add(a.mul(erev[e]));
                    ad = ad.add(a);
                }
                an.intoArray(wn, j * bp + b);
                ad.intoArray(wd, j * bp + b);
            }
        }
    }

    @Override
    public void synBackward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] acts, int actOff, double[] dwn, double[] dwd, double[] dsrc, double[] gErev,
            double[] gFw, double[] gSig, double[] gMu) {
        if (acts == null) {
            recomputingBackward(n, bp, start, pre, sig, mu, fw, erev, src, off, dwn, dwd, dsrc, gErev, gFw, gSig, gMu);
            return;
        }
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector zero = DoubleVector.zero(S);
        for (int j = 0; j < n; j++) {
            for (int e = start[j]; e < start[j + 1]; e++) {
                int i = pre[e] * bp;
                double sg = sig[e];
                double m = mu[e];
                double f = fw[e];
                double er = erev[e];
                DoubleVector aE = zero;
                DoubleVector aF = zero;
                DoubleVector aS = zero;
                DoubleVector aM = zero;
                for (int b = 0; b < bp; b += LANES) {
                    DoubleVector d = DoubleVector.fromArray(S, src, off + i + b).sub(m);
                    DoubleVector act = DoubleVector.fromArray(S, acts, actOff + e * bp + b);
                    DoubleVector a = act.mul(f);
                    DoubleVector gn = DoubleVector.fromArray(S, dwn, j * bp + b);
                    DoubleVector da = gn.mul(er).add(DoubleVector.fromArray(S, dwd, j * bp + b));
                    DoubleVector dz = da.mul(f).mul(act.mul(one.sub(act)));
                    aE = aE.add(gn.mul(a));
                    aF = aF.add(da.mul(act));
                    aS = aS.add(dz.mul(d));
                    aM = aM.sub(dz.mul(sg));
                    DoubleVector.fromArray(S, dsrc, i + b).add(dz.mul(sg)).intoArray(dsrc, i + b);
                }
                int l = e * LANES;
                DoubleVector.fromArray(S, gErev, l).add(aE).intoArray(gErev, l);
                DoubleVector.fromArray(S, gFw, l).add(aF).intoArray(gFw, l);
                DoubleVector.fromArray(S, gSig, l).add(aS).intoArray(gSig, l);
                DoubleVector.fromArray(S, gMu, l).add(aM).intoArray(gMu, l);
            }
        }
    }

    /** {@link #synBackward} recomputing the sigmoids (when the forward did not keep them). */
    private static void recomputingBackward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw,
            double[] erev, double[] src, int off, double[] dwn, double[] dwd, double[] dsrc, double[] gErev, double[] gFw,
            double[] gSig, double[] gMu) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, -LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, -LN2_LO);
        for (int j = 0; j < n; j++) {
            for (int e = start[j]; e < start[j + 1]; e++) {
                int i = pre[e] * bp;
                double sg = sig[e];
                double m = mu[e];
                double f = fw[e];
                double er = erev[e];
                DoubleVector aE = zero;
                DoubleVector aF = zero;
                DoubleVector aS = zero;
                DoubleVector aM = zero;
                for (int b = 0; b < bp; b += LANES) {
                    DoubleVector d = DoubleVector.fromArray(S, src, off + i + b).sub(m);
                    DoubleVector q = d.mul(-sg);
                    q = q.blend(EXP_HI, q.compare(VectorOperators.GT, EXP_HI)).blend(EXP_LO, q.compare(VectorOperators.LT, EXP_LO));
                    DoubleVector tt = q.fma(LOG2E, MAGIC);
                    DoubleVector nn = tt.sub(MAGIC);
                    DoubleVector r = nn.fma(ln2Hi, q);
                    r = nn.fma(ln2Lo, r);
                    DoubleVector r2 = r.mul(r);
                    DoubleVector r4 = r2.mul(r2);
                    DoubleVector p0 = r.fma(E1, E0);
                    DoubleVector p1 = r.fma(E3, E2);
                    DoubleVector p2 = r.fma(E5, E4);
                    DoubleVector p3 = r.fma(E7, E6);
                    DoubleVector p4 = r.fma(E9, E8);
                    DoubleVector p5 = r.fma(E11, E10);
                    DoubleVector q0 = r2.fma(p1, p0);
                    DoubleVector q1 = r2.fma(p3, p2);
                    DoubleVector q2 = r2.fma(p5, p4);
                    DoubleVector pe = r4.mul(r4).fma(q2, r4.fma(q1, q0));
                    DoubleVector sc = tt.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52L).reinterpretAsDoubles();
                    DoubleVector act = one.div(one.add(pe.mul(sc)));
                    DoubleVector a = act.mul(f);
                    DoubleVector gn = DoubleVector.fromArray(S, dwn, j * bp + b);
                    DoubleVector da = gn.mul(er).add(DoubleVector.fromArray(S, dwd, j * bp + b));
                    DoubleVector dz = da.mul(f).mul(act.mul(one.sub(act)));
                    aE = aE.add(gn.mul(a));
                    aF = aF.add(da.mul(act));
                    aS = aS.add(dz.mul(d));
                    aM = aM.sub(dz.mul(sg));
                    DoubleVector.fromArray(S, dsrc, i + b).add(dz.mul(sg)).intoArray(dsrc, i + b);
                }
                int l = e * LANES;
                DoubleVector.fromArray(S, gErev, l).add(aE).intoArray(gErev, l);
                DoubleVector.fromArray(S, gFw, l).add(aF).intoArray(gFw, l);
                DoubleVector.fromArray(S, gSig, l).add(aS).intoArray(gSig, l);
                DoubleVector.fromArray(S, gMu, l).add(aM).intoArray(gMu, l);
            }
        }
    }

    @Override
    public void combine(int n, int bp, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt, double[] gv,
            double[] denC, double[] wn, double[] wd, double[] ns, double[] ds, double eps) {
        for (int j = 0; j < n; j++) {
            double g = gv[j];
            for (int b = 0; b < bp; b += LANES) {
                int q = j * bp + b;
                DoubleVector num = DoubleVector.fromArray(S, cmt, q).mul(DoubleVector.fromArray(S, v, vOff + q)).add(g)
                        .add(DoubleVector.fromArray(S, wn, q).add(DoubleVector.fromArray(S, ns, q)));
                DoubleVector d = DoubleVector.fromArray(S, denC, q)
                        .add(DoubleVector.fromArray(S, wd, q).add(DoubleVector.fromArray(S, ds, q))).add(eps);
                num.div(d).intoArray(v, nextOff + q);
                d.intoArray(den, denOff + q);
            }
        }
    }

    @Override
    public void uncombine(int n, int bp, double[] g, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt,
            double[] idtk, double[] dnum, double[] dD, double[] dv, double[] accNum, double[] accD, double[] accCm,
            double[] dns, double[] dds) {
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < bp; b += LANES) {
                int q = j * bp + b;
                DoubleVector gn = DoubleVector.fromArray(S, g, q).div(DoubleVector.fromArray(S, den, denOff + q));
                DoubleVector gd = gn.neg().mul(DoubleVector.fromArray(S, v, nextOff + q));
                gn.intoArray(dnum, q);
                gd.intoArray(dD, q);
                gn.mul(DoubleVector.fromArray(S, cmt, q)).intoArray(dv, q);
                DoubleVector.fromArray(S, accNum, q).add(gn).intoArray(accNum, q);
                DoubleVector.fromArray(S, accD, q).add(gd).intoArray(accD, q);
                DoubleVector.fromArray(S, accCm, q)
                        .add(gn.mul(DoubleVector.fromArray(S, v, vOff + q)).add(gd).mul(DoubleVector.fromArray(S, idtk, b)))
                        .intoArray(accCm, q);
                DoubleVector.fromArray(S, dns, q).add(gn).intoArray(dns, q);
                DoubleVector.fromArray(S, dds, q).add(gd).intoArray(dds, q);
            }
        }
    }

    @Override
    public void lstmForward(int n, int in, int bp, double[] p, int wi, int bi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] c, int cOff, double[] pre, double[] gates, int gOff, double[] cOut, double[] tcOut, int outOff,
            double[] hOut, int hOutOff) {
        REFERENCE.lstmForward(n, in, bp, p, wi, bi, wr, x, xOff, h, hOff, c, cOff, pre, gates, gOff, cOut, tcOut, outOff, hOut,
                hOutOff);
    }

    @Override
    public void lstmBackward(int n, int in, int bp, double[] p, int wi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] cPrev, int cOff, double[] gates, int gOff, double[] tc, int tcOff, double[] dh, double[] dc,
            double[] dpre, double[] dhOut, double[] dx, double[] gWi, double[] gBi, double[] gWr) {
        REFERENCE.lstmBackward(n, in, bp, p, wi, wr, x, xOff, h, hOff, cPrev, cOff, gates, gOff, tc, tcOff, dh, dc, dpre, dhOut,
                dx, gWi, gBi, gWr);
    }
}
