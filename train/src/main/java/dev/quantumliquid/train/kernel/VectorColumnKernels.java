package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.kernel.VectorWidth;
import dev.quantumliquid.engine.layer.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ScalarColumnKernels}, bit for bit: float64 lanes of the fixed {@link VectorWidth} (4) along
 * the chunk's columns. This class holds the elementwise kernels; the products ({@link #mul}, {@link #outer},
 * {@link #rowSums}) are in {@link VectorColumnProducts}. tanh and sigmoid are built on e^x: tanh z = 1 - 2 /
 * (e^2z + 1), sigmoid z = 1 / (1 + e^-z). GELU (erf) stays scalar.
 *
 * <p>Training is bit-reproducible (same seed, any thread count, resumed or not), so every result here
 * must be the same whether the interpreter, C1 or C2 runs the code: only IEEE-exact operations are used
 * (add, mul, div, fma, compare, blend, lane moves). Lanewise EXP and TANH and reduceLanes are not: their
 * intrinsics (SVML, the CPU's reduction order) and their Java fallbacks give different last bits. Hence
 * the polynomial e^x of {@link KernelMath#expPoly(double[], int, int)} and the lane-by-lane sums.
 *
 * <p>As in the engine's kernels, no helper takes or returns a vector (C2 may not inline it and would
 * box the vector); the formulas are written out where they are used.
 */
final class VectorColumnKernels implements ColumnKernels {
    private static final VectorSpecies<Double> S = VectorWidth.DOUBLES;
    private static final int L = S.length();

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff) {
        VectorColumnProducts.mul(a, aOff, lda, rows, inner, bias, biasOff, x, xOff, cols, c, cOff);
    }

    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
            int cols, double[] w, int wOff, int ldw) {
        VectorColumnProducts.outer(dz, dzOff, dzStep, rows, xt, xtOff, xtStep, ldx, inner, steps, cols, w, wOff, ldw);
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        VectorColumnProducts.rowSums(dz, dzOff, dzStep, rows, steps, cols, b, bOff);
    }

    @Override
    public void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff) {
        if (f == Activation.GELU) {
            SCALAR.activate(f, a, aOff, n, d, dOff);
            return;
        }
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        // first the argument of the exponential (if any) into d, then e^that in place, then the values
        switch (f) {
            case TANH -> scaleInto(a, aOff, n, 2.0, d, dOff);
            case LECUN_TANH -> scaleInto(a, aOff, n, 2.0 * 0.666, d, dOff);
            case SIGMOID, SILU -> scaleInto(a, aOff, n, -1.0, d, dOff);
            default -> {
            }
        }
        if (f != Activation.NONE && f != Activation.RELU) {
            KernelMath.expPoly(d, dOff, n);
        }
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector z = DoubleVector.fromArray(S, a, aOff + i);
            DoubleVector e = DoubleVector.fromArray(S, d, dOff + i);
            DoubleVector v;
            DoubleVector g;
            switch (f) {
                case NONE -> {
                    v = z;
                    g = one;
                }
                case TANH -> {
                    v = one.sub(two.div(e.add(one)));
                    g = one.sub(v.mul(v));
                }
                case RELU -> {
                    VectorMask<Double> pos = z.compare(VectorOperators.GT, 0.0);
                    v = DoubleVector.zero(S).blend(z, pos);
                    g = DoubleVector.zero(S).blend(one, pos);
                }
                case SIGMOID -> {
                    v = one.div(one.add(e));
                    g = v.mul(one.sub(v));
                }
                case LECUN_TANH -> {
                    DoubleVector t = one.sub(two.div(e.add(one)));
                    v = t.mul(1.7159);
                    g = one.sub(t.mul(t)).mul(1.7159 * 0.666);
                }
                case SILU -> {
                    DoubleVector sg = one.div(one.add(e));
                    v = z.mul(sg);
                    g = sg.mul(one.add(z.mul(one.sub(sg))));
                }
                default -> throw new IllegalArgumentException(f.toString());
            }
            v.intoArray(a, aOff + i);
            g.intoArray(d, dOff + i);
        }
        if (i < n) {
            SCALAR.activate(f, a, aOff + i, n - i, d, dOff + i);
        }
    }

    /** d[dOff + i] = c a[aOff + i] for i < n. */
    private static void scaleInto(double[] a, int aOff, int n, double c, double[] d, int dOff) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector.fromArray(S, a, aOff + i).mul(c).intoArray(d, dOff + i);
        }
        for (; i < n; i++) {
            d[dOff + i] = c * a[aOff + i];
        }
    }

    @Override
    public void multiply(double[] y, int yOff, double[] d, int dOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector.fromArray(S, y, yOff + i).mul(DoubleVector.fromArray(S, d, dOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] *= d[dOff + i];
        }
    }

    @Override
    public void add(double[] y, int yOff, double[] d, int dOff, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector.fromArray(S, y, yOff + i).add(DoubleVector.fromArray(S, d, dOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += d[dOff + i];
        }
    }

    @Override
    public void gate(boolean noGate, double[] heads, int hOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] out, int outOff) {
        int n = units * cols;
        // s = [2 ff1; 2 ff2; -(time_a dt + time_b)], then e^s in place, then the values
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < cols; j += L) {
                int e = i * cols + j;
                DoubleVector.fromArray(S, heads, hOff + e).mul(2.0).intoArray(s, sOff + e);
                DoubleVector.fromArray(S, heads, hOff + n + e).mul(2.0).intoArray(s, sOff + n + e);
                DoubleVector.fromArray(S, heads, hOff + 2 * n + e).fma(DoubleVector.fromArray(S, dt, dtOff + j),
                        DoubleVector.fromArray(S, heads, hOff + 3 * n + e)).neg().intoArray(s, sOff + 2 * n + e);
            }
        }
        KernelMath.expPoly(s, sOff, 3 * n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        for (int e = 0; e < n; e += L) {
            DoubleVector f1 = one.sub(two.div(DoubleVector.fromArray(S, s, sOff + e).add(one)));
            DoubleVector f2 = one.sub(two.div(DoubleVector.fromArray(S, s, sOff + n + e).add(one)));
            DoubleVector g = one.div(one.add(DoubleVector.fromArray(S, s, sOff + 2 * n + e)));
            f1.intoArray(s, sOff + e);
            f2.intoArray(s, sOff + n + e);
            g.intoArray(s, sOff + 2 * n + e);
            DoubleVector h = noGate ? g.fma(f2, f1) : f1.mul(one.sub(g)).add(g.mul(f2));
            h.intoArray(out, outOff + e);
        }
    }

    @Override
    public void gateBackward(boolean noGate, double[] dh, int dhOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] dHeads, int dOff) {
        int n = units * cols;
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < cols; j += L) {
                int e = i * cols + j;
                DoubleVector f1 = DoubleVector.fromArray(S, s, sOff + e);
                DoubleVector f2 = DoubleVector.fromArray(S, s, sOff + n + e);
                DoubleVector g = DoubleVector.fromArray(S, s, sOff + 2 * n + e);
                DoubleVector h = DoubleVector.fromArray(S, dh, dhOff + e);
                DoubleVector d1 = noGate ? h : h.mul(one.sub(g));
                DoubleVector d2 = h.mul(g);
                DoubleVector dg = noGate ? h.mul(f2) : h.mul(f2.sub(f1));
                DoubleVector pre = dg.mul(g.mul(one.sub(g)));
                d1.mul(one.sub(f1.mul(f1))).intoArray(dHeads, dOff + e);
                d2.mul(one.sub(f2.mul(f2))).intoArray(dHeads, dOff + n + e);
                pre.mul(DoubleVector.fromArray(S, dt, dtOff + j)).intoArray(dHeads, dOff + 2 * n + e);
                pre.intoArray(dHeads, dOff + 3 * n + e);
            }
        }
    }
}
