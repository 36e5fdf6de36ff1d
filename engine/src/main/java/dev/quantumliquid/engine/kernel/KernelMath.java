package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x, sigmoid, tanh and softplus in float32 and float64: the one definition every layer, kernel and
 * the training tape use. Two kinds, which give different last bits, and each caller keeps the kind its
 * fixtures and reproducibility tests hold:
 * <ul>
 *   <li>On the JDK's {@code Math.exp}: {@link #sigmoid(double)}, {@link #sigmoid(float)},
 *   {@link #softplus}, {@link #tanhByExp}. The float64 reference paths (engine, tape, the scalar LTC
 *   loops) and the scalar tails of the engine's vector kernels.</li>
 *   <li>Polynomials built from IEEE-exact operations only (add, mul, div, fma, min, max, integer bit
 *   moves), so the same bits whether the interpreter, C1 or C2 runs them and whatever the CPU (lanewise
 *   EXP is not: its SVML intrinsic and its Java fallback differ in the last bits):
 *   <ul>
 *     <li>{@link #expPoly(float)} and {@link #expPoly(float[], int, int)}: float32, Cephes expf, for the
 *     engine's vector kernels;</li>
 *     <li>{@link #expPoly(double)} and {@link #expPoly(double[], int, int)}: float64, Taylor degree 13 in
 *     Horner form, for both twins of the training column kernels (which must agree bit for bit);</li>
 *     <li>the {@code MINIMAX_*} coefficients: float64, a near-minimax degree-11 polynomial evaluated by
 *     Estrin's scheme, for the vector LTC synapse loops, whose latency-bound chains it shortens from 13
 *     dependent fmas to 4 steps. Its reference (the scalar LTC loops) uses {@code Math.exp}; the two
 *     agree to rounding, not to the bit, so it is a separate polynomial from the Taylor one.</li>
 *   </ul></li>
 * </ul>
 * The vector kernels write the polynomials out in their loops where a value must stay in a register:
 * a helper taking or returning a vector may not be inlined by C2 and would box the vector. They use
 * the constants here, so there is one set of them.
 */
public final class KernelMath {
    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final int FL = F.length();
    private static final VectorSpecies<Double> D = VectorWidth.DOUBLES;
    private static final int DL = D.length();

    /** Clamp of the float32 polynomial's argument: 2^n stays a normal float. */
    static final float EXPF_LO = -87f, EXPF_HI = 88f;
    static final float LOG2EF = 1.44269504088896341f, EXPF_MAGIC = 12582912f; // 1.5 * 2^23
    static final float LN2F_HI = 0.693359375f, LN2F_LO = -2.12194440e-4f;
    static final float EXPF_P0 = 1.9875691500e-4f, EXPF_P1 = 1.3981999507e-3f, EXPF_P2 = 8.3334519073e-3f,
            EXPF_P3 = 4.1665795894e-2f, EXPF_P4 = 1.6666665459e-1f, EXPF_P5 = 5.0000001201e-1f;

    /** Clamp of the float64 polynomials' argument: e^x stays a normal double. */
    public static final double EXP_LO = -708.0, EXP_HI = 709.0;
    public static final double LOG2E = 1.4426950408889634;
    /** 1.5 2^52: adding it rounds to an integer whose low bits then hold that integer. */
    public static final double EXP_SHIFTER = 6755399441055744.0;
    /** fdlibm's split of ln 2: k LN2_HI is exact. */
    public static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
    private static final long EXP_BIAS = Double.doubleToRawLongBits(EXP_SHIFTER) - 1023L;

    /** e^r on |r| <= ln2/2: near-minimax (Chebyshev-fitted) degree 11, relative error 4e-18 before rounding. */
    public static final double MINIMAX_E0 = 1.0, MINIMAX_E1 = 1.0, MINIMAX_E2 = 0.5000000000000019,
            MINIMAX_E3 = 0.1666666666666668, MINIMAX_E4 = 0.0416666666664881, MINIMAX_E5 = 0.008333333333319601,
            MINIMAX_E6 = 0.0013888888952314775, MINIMAX_E7 = 1.9841269890047113e-04, MINIMAX_E8 = 2.4801485482328494e-05,
            MINIMAX_E9 = 2.755724091857897e-06, MINIMAX_E10 = 2.763263963904103e-07, MINIMAX_E11 = 2.5110037605963777e-08;

    private KernelMath() {
    }

    /** 1 / (1 + e^-z) on {@code Math.exp}. */
    public static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** 1 / (1 + e^-z) in float32 on {@code Math.exp}. */
    public static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }

    /**
     * tanh z = 1 - 2 / (e^2z + 1) in float32 on {@code Math.exp}: the scalar tails of the vector kernels,
     * several times faster than {@code Math.tanh} and within about 1e-7 of it.
     */
    public static float tanhByExp(float z) {
        return 1f - 2f / ((float) Math.exp(2f * z) + 1f);
    }

    /** torch.nn.Softplus() (beta 1, threshold 20): z above 20 passes through, else log1p(e^z). */
    public static double softplus(double z) {
        return z > 20.0 ? z : Math.log1p(Math.exp(z));
    }

    /**
     * e^z in float32 as one lane of {@link #expPoly(float[], int, int)} computes it: Cephes expf, z = n ln2
     * + r with n rounded to nearest by the 1.5 2^23 trick (whose low bits then hold n for the exponent), a
     * degree-7 polynomial in r, about 2 ulp. z is clamped to [EXPF_LO, EXPF_HI] first so 2^n stays a normal
     * float; tanh and sigmoid built on it then differ from the exact ones by under 1e-37 there.
     */
    public static float expPoly(float z) {
        z = Math.min(Math.max(z, EXPF_LO), EXPF_HI);
        float t = Math.fma(z, LOG2EF, EXPF_MAGIC);
        float q = t - EXPF_MAGIC;
        float r = Math.fma(q, -LN2F_HI, z) - q * LN2F_LO;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, EXPF_P0, EXPF_P1), r, EXPF_P2), r, EXPF_P3), r,
                EXPF_P4), r, EXPF_P5), r * r, r) + 1f;
        return Float.intBitsToFloat(Float.floatToRawIntBits(p) + (Float.floatToRawIntBits(t) << 23));
    }

    /**
     * a[off + i] = {@link #expPoly(float)} of a[off + i] for i < n, in float32 vectors of the fixed
     * {@link VectorWidth} (faster than lanewise EXP, a call to an out-of-line stub per vector).
     */
    public static void expPoly(float[] a, int off, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += FL) {
            FloatVector z = FloatVector.fromArray(F, a, off + i).max(EXPF_LO).min(EXPF_HI);
            FloatVector t = z.fma(LOG2EF, EXPF_MAGIC);
            FloatVector q = t.sub(EXPF_MAGIC);
            FloatVector r = q.fma(FloatVector.broadcast(F, -LN2F_HI), z).sub(q.mul(LN2F_LO));
            FloatVector p = r.fma(EXPF_P0, EXPF_P1).fma(r, FloatVector.broadcast(F, EXPF_P2))
                    .fma(r, FloatVector.broadcast(F, EXPF_P3)).fma(r, FloatVector.broadcast(F, EXPF_P4))
                    .fma(r, FloatVector.broadcast(F, EXPF_P5)).fma(r.mul(r), r).add(1f);
            p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats()
                    .intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = expPoly(a[off + i]);
        }
    }

    /**
     * e^x in float64 as one lane of {@link #expPoly(double[], int, int)} computes it: x clamped to [-708,
     * 709] (e^x stays a normal double; tanh and sigmoid built on it are unchanged to the last bit there,
     * and differ from the exact ones by under 1e-307 beyond), x = k ln2 + r with k rounded to nearest by
     * the 1.5 2^52 trick, |r| <= ln2/2, e^r by its Taylor polynomial to degree 13 in Horner form
     * (truncation under 1e-17), times 2^k built in the exponent bits. About 1-2 ulp.
     */
    public static double expPoly(double x) {
        double c = Math.min(Math.max(x, EXP_LO), EXP_HI);
        double t = Math.fma(c, LOG2E, EXP_SHIFTER);
        double k = t - EXP_SHIFTER;
        double r = Math.fma(k, -LN2_HI, c);
        r = Math.fma(k, -LN2_LO, r);
        double p = 1.0 / 6227020800.0;
        p = Math.fma(p, r, 1.0 / 479001600.0);
        p = Math.fma(p, r, 1.0 / 39916800.0);
        p = Math.fma(p, r, 1.0 / 3628800.0);
        p = Math.fma(p, r, 1.0 / 362880.0);
        p = Math.fma(p, r, 1.0 / 40320.0);
        p = Math.fma(p, r, 1.0 / 5040.0);
        p = Math.fma(p, r, 1.0 / 720.0);
        p = Math.fma(p, r, 1.0 / 120.0);
        p = Math.fma(p, r, 1.0 / 24.0);
        p = Math.fma(p, r, 1.0 / 6.0);
        p = Math.fma(p, r, 0.5);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        return p * Double.longBitsToDouble((Double.doubleToRawLongBits(t) - EXP_BIAS) << 52);
    }

    /** a[off + i] = {@link #expPoly(double)} of a[off + i] for i < n, in float64 vectors of the fixed {@link VectorWidth}. */
    public static void expPoly(double[] a, int off, int n) {
        int bound = D.loopBound(n);
        long magic = Double.doubleToRawLongBits(EXP_SHIFTER);
        int i = 0;
        for (; i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(D, a, off + i).max(EXP_LO).min(EXP_HI);
            DoubleVector t = x.fma(LOG2E, EXP_SHIFTER);
            DoubleVector k = t.sub(EXP_SHIFTER);
            DoubleVector r = k.fma(DoubleVector.broadcast(D, -LN2_HI), x);
            r = k.fma(DoubleVector.broadcast(D, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(D, 1.0 / 6227020800.0);
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 479001600.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 39916800.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 3628800.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 362880.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 40320.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 5040.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 720.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 120.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 24.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0 / 6.0));
            p = p.fma(r, DoubleVector.broadcast(D, 0.5));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0));
            p = p.fma(r, DoubleVector.broadcast(D, 1.0));
            LongVector scale = ((LongVector) t.reinterpretAsLongs()).sub(magic - 1023L).lanewise(VectorOperators.LSHL, 52);
            p.mul(scale.reinterpretAsDoubles()).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = expPoly(a[off + i]);
        }
    }
}
