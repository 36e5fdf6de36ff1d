package dev.quantumliquid.train.fast;

import dev.quantumliquid.engine.model.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ScalarOps}: float64 lanes of the preferred species (4 on AVX2) along
 * the chunk's columns. Products are register-blocked: {@link #mul} keeps a 4-row x 2-vector tile of
 * accumulators and broadcasts one weight per row per inner index (each loaded column vector feeds four
 * FMAs); {@link #outer} keeps a 2 x 4 tile of vector partial sums over steps and columns and reduces them
 * once. tanh and sigmoid are built on the lanewise EXP (an intrinsic; lanewise TANH is not, it falls back
 * to a scalar call per lane): tanh z = 1 - 2 / (e^2z + 1), sigmoid z = 1 / (1 + e^-z), a few ulp of
 * Math.tanh. GELU (erf) stays scalar.
 *
 * <p>As in the engine's kernels, no helper takes or returns a vector (C2 may not inline it and would
 * box the vector); the formulas are written out where they are used.
 */
final class VectorOps implements Ops {
    static final VectorOps INSTANCE = new VectorOps();
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorOps() {
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff, boolean accumulate) {
        if (!accumulate) {
            for (int r = 0; r < rows; r++) {
                java.util.Arrays.fill(c, cOff + r * cols, cOff + (r + 1) * cols, bias == null ? 0.0 : bias[biasOff + r]);
            }
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int a0 = aOff + r * lda;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            int c0 = cOff + r * cols;
            int c1 = c0 + cols;
            int c2 = c1 + cols;
            int c3 = c2 + cols;
            int j = 0;
            for (; j + 2 * L <= cols; j += 2 * L) {
                DoubleVector s00 = DoubleVector.fromArray(S, c, c0 + j);
                DoubleVector s01 = DoubleVector.fromArray(S, c, c0 + j + L);
                DoubleVector s10 = DoubleVector.fromArray(S, c, c1 + j);
                DoubleVector s11 = DoubleVector.fromArray(S, c, c1 + j + L);
                DoubleVector s20 = DoubleVector.fromArray(S, c, c2 + j);
                DoubleVector s21 = DoubleVector.fromArray(S, c, c2 + j + L);
                DoubleVector s30 = DoubleVector.fromArray(S, c, c3 + j);
                DoubleVector s31 = DoubleVector.fromArray(S, c, c3 + j + L);
                int xi = xOff + j;
                for (int i = 0; i < inner; i++, xi += cols) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xi);
                    DoubleVector x1 = DoubleVector.fromArray(S, x, xi + L);
                    DoubleVector w = DoubleVector.broadcast(S, a[a0 + i]);
                    s00 = w.fma(x0, s00);
                    s01 = w.fma(x1, s01);
                    w = DoubleVector.broadcast(S, a[a1 + i]);
                    s10 = w.fma(x0, s10);
                    s11 = w.fma(x1, s11);
                    w = DoubleVector.broadcast(S, a[a2 + i]);
                    s20 = w.fma(x0, s20);
                    s21 = w.fma(x1, s21);
                    w = DoubleVector.broadcast(S, a[a3 + i]);
                    s30 = w.fma(x0, s30);
                    s31 = w.fma(x1, s31);
                }
                s00.intoArray(c, c0 + j);
                s01.intoArray(c, c0 + j + L);
                s10.intoArray(c, c1 + j);
                s11.intoArray(c, c1 + j + L);
                s20.intoArray(c, c2 + j);
                s21.intoArray(c, c2 + j + L);
                s30.intoArray(c, c3 + j);
                s31.intoArray(c, c3 + j + L);
            }
            for (; j < cols; j += L) {
                DoubleVector s0 = DoubleVector.fromArray(S, c, c0 + j);
                DoubleVector s1 = DoubleVector.fromArray(S, c, c1 + j);
                DoubleVector s2 = DoubleVector.fromArray(S, c, c2 + j);
                DoubleVector s3 = DoubleVector.fromArray(S, c, c3 + j);
                int xi = xOff + j;
                for (int i = 0; i < inner; i++, xi += cols) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xi);
                    s0 = DoubleVector.broadcast(S, a[a0 + i]).fma(x0, s0);
                    s1 = DoubleVector.broadcast(S, a[a1 + i]).fma(x0, s1);
                    s2 = DoubleVector.broadcast(S, a[a2 + i]).fma(x0, s2);
                    s3 = DoubleVector.broadcast(S, a[a3 + i]).fma(x0, s3);
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c1 + j);
                s2.intoArray(c, c2 + j);
                s3.intoArray(c, c3 + j);
            }
        }
        for (; r < rows; r++) {
            int a0 = aOff + r * lda;
            int c0 = cOff + r * cols;
            for (int j = 0; j < cols; j += L) {
                DoubleVector s0 = DoubleVector.fromArray(S, c, c0 + j);
                int xi = xOff + j;
                for (int i = 0; i < inner; i++, xi += cols) {
                    s0 = DoubleVector.broadcast(S, a[a0 + i]).fma(DoubleVector.fromArray(S, x, xi), s0);
                }
                s0.intoArray(c, c0 + j);
            }
        }
    }

    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] x, int xOff, int xStep, int inner, int steps, int cols,
            double[] w, int wOff, int ldw) {
        int r = 0;
        for (; r + 2 <= rows; r += 2) {
            int k = 0;
            for (; k + 4 <= inner; k += 4) {
                DoubleVector s00 = DoubleVector.zero(S);
                DoubleVector s01 = DoubleVector.zero(S);
                DoubleVector s02 = DoubleVector.zero(S);
                DoubleVector s03 = DoubleVector.zero(S);
                DoubleVector s10 = DoubleVector.zero(S);
                DoubleVector s11 = DoubleVector.zero(S);
                DoubleVector s12 = DoubleVector.zero(S);
                DoubleVector s13 = DoubleVector.zero(S);
                for (int t = 0; t < steps; t++) {
                    int d0 = dzOff + t * dzStep + r * cols;
                    int d1 = d0 + cols;
                    int v0 = xOff + t * xStep + k * cols;
                    int v1 = v0 + cols;
                    int v2 = v1 + cols;
                    int v3 = v2 + cols;
                    for (int j = 0; j < cols; j += L) {
                        DoubleVector g0 = DoubleVector.fromArray(S, dz, d0 + j);
                        DoubleVector g1 = DoubleVector.fromArray(S, dz, d1 + j);
                        DoubleVector xv = DoubleVector.fromArray(S, x, v0 + j);
                        s00 = g0.fma(xv, s00);
                        s10 = g1.fma(xv, s10);
                        xv = DoubleVector.fromArray(S, x, v1 + j);
                        s01 = g0.fma(xv, s01);
                        s11 = g1.fma(xv, s11);
                        xv = DoubleVector.fromArray(S, x, v2 + j);
                        s02 = g0.fma(xv, s02);
                        s12 = g1.fma(xv, s12);
                        xv = DoubleVector.fromArray(S, x, v3 + j);
                        s03 = g0.fma(xv, s03);
                        s13 = g1.fma(xv, s13);
                    }
                }
                int o0 = wOff + r * ldw + k;
                int o1 = o0 + ldw;
                w[o0] += s00.reduceLanes(VectorOperators.ADD);
                w[o0 + 1] += s01.reduceLanes(VectorOperators.ADD);
                w[o0 + 2] += s02.reduceLanes(VectorOperators.ADD);
                w[o0 + 3] += s03.reduceLanes(VectorOperators.ADD);
                w[o1] += s10.reduceLanes(VectorOperators.ADD);
                w[o1 + 1] += s11.reduceLanes(VectorOperators.ADD);
                w[o1 + 2] += s12.reduceLanes(VectorOperators.ADD);
                w[o1 + 3] += s13.reduceLanes(VectorOperators.ADD);
            }
            for (; k < inner; k++) {
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = DoubleVector.zero(S);
                for (int t = 0; t < steps; t++) {
                    int d0 = dzOff + t * dzStep + r * cols;
                    int v0 = xOff + t * xStep + k * cols;
                    for (int j = 0; j < cols; j += L) {
                        DoubleVector xv = DoubleVector.fromArray(S, x, v0 + j);
                        s0 = DoubleVector.fromArray(S, dz, d0 + j).fma(xv, s0);
                        s1 = DoubleVector.fromArray(S, dz, d0 + cols + j).fma(xv, s1);
                    }
                }
                w[wOff + r * ldw + k] += s0.reduceLanes(VectorOperators.ADD);
                w[wOff + (r + 1) * ldw + k] += s1.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; r < rows; r++) {
            for (int k = 0; k < inner; k++) {
                DoubleVector s0 = DoubleVector.zero(S);
                for (int t = 0; t < steps; t++) {
                    int d0 = dzOff + t * dzStep + r * cols;
                    int v0 = xOff + t * xStep + k * cols;
                    for (int j = 0; j < cols; j += L) {
                        s0 = DoubleVector.fromArray(S, dz, d0 + j).fma(DoubleVector.fromArray(S, x, v0 + j), s0);
                    }
                }
                w[wOff + r * ldw + k] += s0.reduceLanes(VectorOperators.ADD);
            }
        }
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        for (int r = 0; r < rows; r++) {
            DoubleVector s = DoubleVector.zero(S);
            for (int t = 0; t < steps; t++) {
                int d = dzOff + t * dzStep + r * cols;
                for (int j = 0; j < cols; j += L) {
                    s = s.add(DoubleVector.fromArray(S, dz, d + j));
                }
            }
            b[bOff + r] += s.reduceLanes(VectorOperators.ADD);
        }
    }

    @Override
    public void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff) {
        if (f == Activation.GELU) {
            ScalarOps.gelu(a, aOff, n, d, dOff);
            return;
        }
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector z = DoubleVector.fromArray(S, a, aOff + i);
            DoubleVector v;
            DoubleVector g;
            switch (f) {
                case NONE -> {
                    v = z;
                    g = one;
                }
                case TANH -> {
                    v = one.sub(two.div(z.mul(2.0).lanewise(VectorOperators.EXP).add(one)));
                    g = one.sub(v.mul(v));
                }
                case RELU -> {
                    VectorMask<Double> pos = z.compare(VectorOperators.GT, 0.0);
                    v = DoubleVector.zero(S).blend(z, pos);
                    g = DoubleVector.zero(S).blend(one, pos);
                }
                case SIGMOID -> {
                    v = one.div(one.add(z.neg().lanewise(VectorOperators.EXP)));
                    g = v.mul(one.sub(v));
                }
                case LECUN_TANH -> {
                    DoubleVector t = one.sub(two.div(z.mul(2.0 * 0.666).lanewise(VectorOperators.EXP).add(one)));
                    v = t.mul(1.7159);
                    g = one.sub(t.mul(t)).mul(1.7159 * 0.666);
                }
                case SILU -> {
                    DoubleVector s = one.div(one.add(z.neg().lanewise(VectorOperators.EXP)));
                    v = z.mul(s);
                    g = s.mul(one.add(z.mul(one.sub(s))));
                }
                default -> throw new IllegalArgumentException(f.toString());
            }
            v.intoArray(a, aOff + i);
            g.intoArray(d, dOff + i);
        }
        if (i < n) {
            ScalarOps.INSTANCE.activate(f, a, aOff + i, n - i, d, dOff + i);
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
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < cols; j += L) {
                int e = i * cols + j;
                DoubleVector dtv = DoubleVector.fromArray(S, dt, dtOff + j);
                DoubleVector f1 = one.sub(two.div(DoubleVector.fromArray(S, heads, hOff + e).mul(2.0)
                        .lanewise(VectorOperators.EXP).add(one)));
                DoubleVector f2 = one.sub(two.div(DoubleVector.fromArray(S, heads, hOff + n + e).mul(2.0)
                        .lanewise(VectorOperators.EXP).add(one)));
                DoubleVector pre = DoubleVector.fromArray(S, heads, hOff + 2 * n + e).fma(dtv, DoubleVector.fromArray(S, heads, hOff + 3 * n + e));
                DoubleVector g = one.div(one.add(pre.neg().lanewise(VectorOperators.EXP)));
                f1.intoArray(s, sOff + e);
                f2.intoArray(s, sOff + n + e);
                g.intoArray(s, sOff + 2 * n + e);
                DoubleVector h = noGate ? g.fma(f2, f1) : f1.mul(one.sub(g)).add(g.mul(f2));
                h.intoArray(out, outOff + e);
            }
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
