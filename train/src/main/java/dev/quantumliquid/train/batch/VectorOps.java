package dev.quantumliquid.train.batch;

import dev.quantumliquid.engine.kernel.VectorWidth;
import dev.quantumliquid.engine.layer.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ScalarOps}, bit for bit: float64 lanes of the fixed {@link VectorWidth} (4) along
 * the chunk's columns. Products are register-blocked: {@link #mul} keeps a 6-row x 2-vector tile of
 * accumulators (12 of the 16 AVX2 registers, enough independent FMA chains to cover the FMA latency)
 * and broadcasts one weight per row per inner index (each loaded column vector feeds six FMAs);
 * {@link #outer} (on the transposed inputs) holds a 6-row x 2-vector tile of the weight gradient in
 * registers through a panel of steps. tanh and sigmoid are built on e^x: tanh z = 1 - 2 / (e^2z + 1),
 * sigmoid z = 1 / (1 + e^-z). GELU (erf) stays scalar.
 *
 * <p>Training is bit-reproducible (same seed, any thread count, resumed or not), so every result here
 * must be the same whether the interpreter, C1 or C2 runs the code: only IEEE-exact operations are used
 * (add, mul, div, fma, compare, blend, lane moves). Lanewise EXP and TANH and reduceLanes are not: their
 * intrinsics (SVML, the CPU's reduction order) and their Java fallbacks give different last bits. Hence
 * the own {@link #exp} and the lane-by-lane sums.
 *
 * <p>As in the engine's kernels, no helper takes or returns a vector (C2 may not inline it and would
 * box the vector); the formulas are written out where they are used.
 */
final class VectorOps implements Ops {
    static final VectorOps INSTANCE = new VectorOps();
    private static final VectorSpecies<Double> S = VectorWidth.DOUBLES;
    private static final int L = S.length();
    private static final double LOG2E = ScalarOps.LOG2E;
    private static final double LN2_HI = ScalarOps.LN2_HI;
    private static final double LN2_LO = ScalarOps.LN2_LO;
    private static final double EXP_SHIFTER = ScalarOps.EXP_SHIFTER;
    private static final double EXP_LO = ScalarOps.EXP_LO;
    private static final double EXP_HI = ScalarOps.EXP_HI;
    /** Steps per panel of {@link #outer}. */
    private static final int PANEL = 8;

    private VectorOps() {
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff) {
        int r = 0;
        for (; r + 6 <= rows; r += 6) {
            int a0 = aOff + r * lda;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            int a4 = a3 + lda;
            int a5 = a4 + lda;
            double b0 = bias == null ? 0.0 : bias[biasOff + r];
            double b1 = bias == null ? 0.0 : bias[biasOff + r + 1];
            double b2 = bias == null ? 0.0 : bias[biasOff + r + 2];
            double b3 = bias == null ? 0.0 : bias[biasOff + r + 3];
            double b4 = bias == null ? 0.0 : bias[biasOff + r + 4];
            double b5 = bias == null ? 0.0 : bias[biasOff + r + 5];
            int c0 = cOff + r * cols;
            int j = 0;
            for (; j + 2 * L <= cols; j += 2 * L) {
                DoubleVector s00 = DoubleVector.broadcast(S, b0);
                DoubleVector s01 = DoubleVector.broadcast(S, b0);
                DoubleVector s10 = DoubleVector.broadcast(S, b1);
                DoubleVector s11 = DoubleVector.broadcast(S, b1);
                DoubleVector s20 = DoubleVector.broadcast(S, b2);
                DoubleVector s21 = DoubleVector.broadcast(S, b2);
                DoubleVector s30 = DoubleVector.broadcast(S, b3);
                DoubleVector s31 = DoubleVector.broadcast(S, b3);
                DoubleVector s40 = DoubleVector.broadcast(S, b4);
                DoubleVector s41 = DoubleVector.broadcast(S, b4);
                DoubleVector s50 = DoubleVector.broadcast(S, b5);
                DoubleVector s51 = DoubleVector.broadcast(S, b5);
                int xj = xOff + j;
                for (int i = 0; i < inner; i++) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xj + i * cols);
                    DoubleVector x1 = DoubleVector.fromArray(S, x, xj + i * cols + L);
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
                    w = DoubleVector.broadcast(S, a[a4 + i]);
                    s40 = w.fma(x0, s40);
                    s41 = w.fma(x1, s41);
                    w = DoubleVector.broadcast(S, a[a5 + i]);
                    s50 = w.fma(x0, s50);
                    s51 = w.fma(x1, s51);
                }
                s00.intoArray(c, c0 + j);
                s01.intoArray(c, c0 + j + L);
                s10.intoArray(c, c0 + cols + j);
                s11.intoArray(c, c0 + cols + j + L);
                s20.intoArray(c, c0 + 2 * cols + j);
                s21.intoArray(c, c0 + 2 * cols + j + L);
                s30.intoArray(c, c0 + 3 * cols + j);
                s31.intoArray(c, c0 + 3 * cols + j + L);
                s40.intoArray(c, c0 + 4 * cols + j);
                s41.intoArray(c, c0 + 4 * cols + j + L);
                s50.intoArray(c, c0 + 5 * cols + j);
                s51.intoArray(c, c0 + 5 * cols + j + L);
            }
            for (; j < cols; j += L) {
                DoubleVector s0 = DoubleVector.broadcast(S, b0);
                DoubleVector s1 = DoubleVector.broadcast(S, b1);
                DoubleVector s2 = DoubleVector.broadcast(S, b2);
                DoubleVector s3 = DoubleVector.broadcast(S, b3);
                DoubleVector s4 = DoubleVector.broadcast(S, b4);
                DoubleVector s5 = DoubleVector.broadcast(S, b5);
                int xj = xOff + j;
                for (int i = 0; i < inner; i++) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xj + i * cols);
                    s0 = DoubleVector.broadcast(S, a[a0 + i]).fma(x0, s0);
                    s1 = DoubleVector.broadcast(S, a[a1 + i]).fma(x0, s1);
                    s2 = DoubleVector.broadcast(S, a[a2 + i]).fma(x0, s2);
                    s3 = DoubleVector.broadcast(S, a[a3 + i]).fma(x0, s3);
                    s4 = DoubleVector.broadcast(S, a[a4 + i]).fma(x0, s4);
                    s5 = DoubleVector.broadcast(S, a[a5 + i]).fma(x0, s5);
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c0 + cols + j);
                s2.intoArray(c, c0 + 2 * cols + j);
                s3.intoArray(c, c0 + 3 * cols + j);
                s4.intoArray(c, c0 + 4 * cols + j);
                s5.intoArray(c, c0 + 5 * cols + j);
            }
        }
        for (; r + 4 <= rows; r += 4) {
            int a0 = aOff + r * lda;
            int a1 = a0 + lda;
            int a2 = a1 + lda;
            int a3 = a2 + lda;
            double b0 = bias == null ? 0.0 : bias[biasOff + r];
            double b1 = bias == null ? 0.0 : bias[biasOff + r + 1];
            double b2 = bias == null ? 0.0 : bias[biasOff + r + 2];
            double b3 = bias == null ? 0.0 : bias[biasOff + r + 3];
            int c0 = cOff + r * cols;
            int c1 = c0 + cols;
            int c2 = c1 + cols;
            int c3 = c2 + cols;
            int j = 0;
            for (; j + 2 * L <= cols; j += 2 * L) {
                DoubleVector s00 = DoubleVector.broadcast(S, b0);
                DoubleVector s01 = DoubleVector.broadcast(S, b0);
                DoubleVector s10 = DoubleVector.broadcast(S, b1);
                DoubleVector s11 = DoubleVector.broadcast(S, b1);
                DoubleVector s20 = DoubleVector.broadcast(S, b2);
                DoubleVector s21 = DoubleVector.broadcast(S, b2);
                DoubleVector s30 = DoubleVector.broadcast(S, b3);
                DoubleVector s31 = DoubleVector.broadcast(S, b3);
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
                DoubleVector s0 = DoubleVector.broadcast(S, b0);
                DoubleVector s1 = DoubleVector.broadcast(S, b1);
                DoubleVector s2 = DoubleVector.broadcast(S, b2);
                DoubleVector s3 = DoubleVector.broadcast(S, b3);
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
        for (; r + 2 <= rows; r += 2) { // two rows: four independent chains instead of one
            int a0 = aOff + r * lda;
            int a1 = a0 + lda;
            double b0 = bias == null ? 0.0 : bias[biasOff + r];
            double b1 = bias == null ? 0.0 : bias[biasOff + r + 1];
            int c0 = cOff + r * cols;
            int c1 = c0 + cols;
            int j = 0;
            for (; j + 2 * L <= cols; j += 2 * L) {
                DoubleVector s00 = DoubleVector.broadcast(S, b0);
                DoubleVector s01 = DoubleVector.broadcast(S, b0);
                DoubleVector s10 = DoubleVector.broadcast(S, b1);
                DoubleVector s11 = DoubleVector.broadcast(S, b1);
                int xj = xOff + j;
                for (int i = 0; i < inner; i++) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xj + i * cols);
                    DoubleVector x1 = DoubleVector.fromArray(S, x, xj + i * cols + L);
                    DoubleVector w = DoubleVector.broadcast(S, a[a0 + i]);
                    s00 = w.fma(x0, s00);
                    s01 = w.fma(x1, s01);
                    w = DoubleVector.broadcast(S, a[a1 + i]);
                    s10 = w.fma(x0, s10);
                    s11 = w.fma(x1, s11);
                }
                s00.intoArray(c, c0 + j);
                s01.intoArray(c, c0 + j + L);
                s10.intoArray(c, c1 + j);
                s11.intoArray(c, c1 + j + L);
            }
            for (; j < cols; j += L) {
                DoubleVector s0 = DoubleVector.broadcast(S, b0);
                DoubleVector s1 = DoubleVector.broadcast(S, b1);
                int xj = xOff + j;
                for (int i = 0; i < inner; i++) {
                    DoubleVector x0 = DoubleVector.fromArray(S, x, xj + i * cols);
                    s0 = DoubleVector.broadcast(S, a[a0 + i]).fma(x0, s0);
                    s1 = DoubleVector.broadcast(S, a[a1 + i]).fma(x0, s1);
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c1 + j);
            }
        }
        for (; r < rows; r++) {
            int a0 = aOff + r * lda;
            double b0 = bias == null ? 0.0 : bias[biasOff + r];
            int c0 = cOff + r * cols;
            for (int j = 0; j < cols; j += L) {
                DoubleVector s0 = DoubleVector.broadcast(S, b0);
                int xi = xOff + j;
                for (int i = 0; i < inner; i++, xi += cols) {
                    s0 = DoubleVector.broadcast(S, a[a0 + i]).fma(DoubleVector.fromArray(S, x, xi), s0);
                }
                s0.intoArray(c, c0 + j);
            }
        }
    }

    /**
     * Blocked over steps (a panel of {@code PANEL} steps of dz and xt stays in L2), then over 2-vector
     * column strips of w (the strip's xt panel stays in L1), then over 6 rows of dz: a 6 x 2L tile of w
     * is held in registers through the panel, each xt vector feeding six FMAs with broadcast dz values.
     */
    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
            int cols, double[] w, int wOff, int ldw) {
        for (int t0 = 0; t0 < steps; t0 += PANEL) {
            int t1 = Math.min(steps, t0 + PANEL);
            int k = 0;
            for (; k + 2 * L <= inner; k += 2 * L) {
                int r = 0;
                for (; r + 6 <= rows; r += 6) {
                    int o0 = wOff + r * ldw + k;
                    DoubleVector s00 = DoubleVector.fromArray(S, w, o0);
                    DoubleVector s01 = DoubleVector.fromArray(S, w, o0 + L);
                    DoubleVector s10 = DoubleVector.fromArray(S, w, o0 + ldw);
                    DoubleVector s11 = DoubleVector.fromArray(S, w, o0 + ldw + L);
                    DoubleVector s20 = DoubleVector.fromArray(S, w, o0 + 2 * ldw);
                    DoubleVector s21 = DoubleVector.fromArray(S, w, o0 + 2 * ldw + L);
                    DoubleVector s30 = DoubleVector.fromArray(S, w, o0 + 3 * ldw);
                    DoubleVector s31 = DoubleVector.fromArray(S, w, o0 + 3 * ldw + L);
                    DoubleVector s40 = DoubleVector.fromArray(S, w, o0 + 4 * ldw);
                    DoubleVector s41 = DoubleVector.fromArray(S, w, o0 + 4 * ldw + L);
                    DoubleVector s50 = DoubleVector.fromArray(S, w, o0 + 5 * ldw);
                    DoubleVector s51 = DoubleVector.fromArray(S, w, o0 + 5 * ldw + L);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            DoubleVector x0 = DoubleVector.fromArray(S, xt, v0 + j * ldx);
                            DoubleVector x1 = DoubleVector.fromArray(S, xt, v0 + j * ldx + L);
                            DoubleVector g = DoubleVector.broadcast(S, dz[d0 + j]);
                            s00 = g.fma(x0, s00);
                            s01 = g.fma(x1, s01);
                            g = DoubleVector.broadcast(S, dz[d0 + cols + j]);
                            s10 = g.fma(x0, s10);
                            s11 = g.fma(x1, s11);
                            g = DoubleVector.broadcast(S, dz[d0 + 2 * cols + j]);
                            s20 = g.fma(x0, s20);
                            s21 = g.fma(x1, s21);
                            g = DoubleVector.broadcast(S, dz[d0 + 3 * cols + j]);
                            s30 = g.fma(x0, s30);
                            s31 = g.fma(x1, s31);
                            g = DoubleVector.broadcast(S, dz[d0 + 4 * cols + j]);
                            s40 = g.fma(x0, s40);
                            s41 = g.fma(x1, s41);
                            g = DoubleVector.broadcast(S, dz[d0 + 5 * cols + j]);
                            s50 = g.fma(x0, s50);
                            s51 = g.fma(x1, s51);
                        }
                    }
                    s00.intoArray(w, o0);
                    s01.intoArray(w, o0 + L);
                    s10.intoArray(w, o0 + ldw);
                    s11.intoArray(w, o0 + ldw + L);
                    s20.intoArray(w, o0 + 2 * ldw);
                    s21.intoArray(w, o0 + 2 * ldw + L);
                    s30.intoArray(w, o0 + 3 * ldw);
                    s31.intoArray(w, o0 + 3 * ldw + L);
                    s40.intoArray(w, o0 + 4 * ldw);
                    s41.intoArray(w, o0 + 4 * ldw + L);
                    s50.intoArray(w, o0 + 5 * ldw);
                    s51.intoArray(w, o0 + 5 * ldw + L);
                }
                for (; r + 4 <= rows; r += 4) {
                    int o0 = wOff + r * ldw + k;
                    int o1 = o0 + ldw;
                    int o2 = o1 + ldw;
                    int o3 = o2 + ldw;
                    DoubleVector s00 = DoubleVector.fromArray(S, w, o0);
                    DoubleVector s01 = DoubleVector.fromArray(S, w, o0 + L);
                    DoubleVector s10 = DoubleVector.fromArray(S, w, o1);
                    DoubleVector s11 = DoubleVector.fromArray(S, w, o1 + L);
                    DoubleVector s20 = DoubleVector.fromArray(S, w, o2);
                    DoubleVector s21 = DoubleVector.fromArray(S, w, o2 + L);
                    DoubleVector s30 = DoubleVector.fromArray(S, w, o3);
                    DoubleVector s31 = DoubleVector.fromArray(S, w, o3 + L);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            DoubleVector x0 = DoubleVector.fromArray(S, xt, v0 + j * ldx);
                            DoubleVector x1 = DoubleVector.fromArray(S, xt, v0 + j * ldx + L);
                            DoubleVector g = DoubleVector.broadcast(S, dz[d0 + j]);
                            s00 = g.fma(x0, s00);
                            s01 = g.fma(x1, s01);
                            g = DoubleVector.broadcast(S, dz[d0 + cols + j]);
                            s10 = g.fma(x0, s10);
                            s11 = g.fma(x1, s11);
                            g = DoubleVector.broadcast(S, dz[d0 + 2 * cols + j]);
                            s20 = g.fma(x0, s20);
                            s21 = g.fma(x1, s21);
                            g = DoubleVector.broadcast(S, dz[d0 + 3 * cols + j]);
                            s30 = g.fma(x0, s30);
                            s31 = g.fma(x1, s31);
                        }
                    }
                    s00.intoArray(w, o0);
                    s01.intoArray(w, o0 + L);
                    s10.intoArray(w, o1);
                    s11.intoArray(w, o1 + L);
                    s20.intoArray(w, o2);
                    s21.intoArray(w, o2 + L);
                    s30.intoArray(w, o3);
                    s31.intoArray(w, o3 + L);
                }
                for (; r + 2 <= rows; r += 2) {
                    int o0 = wOff + r * ldw + k;
                    int o1 = o0 + ldw;
                    DoubleVector s00 = DoubleVector.fromArray(S, w, o0);
                    DoubleVector s01 = DoubleVector.fromArray(S, w, o0 + L);
                    DoubleVector s10 = DoubleVector.fromArray(S, w, o1);
                    DoubleVector s11 = DoubleVector.fromArray(S, w, o1 + L);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            DoubleVector x0 = DoubleVector.fromArray(S, xt, v0 + j * ldx);
                            DoubleVector x1 = DoubleVector.fromArray(S, xt, v0 + j * ldx + L);
                            DoubleVector g = DoubleVector.broadcast(S, dz[d0 + j]);
                            s00 = g.fma(x0, s00);
                            s01 = g.fma(x1, s01);
                            g = DoubleVector.broadcast(S, dz[d0 + cols + j]);
                            s10 = g.fma(x0, s10);
                            s11 = g.fma(x1, s11);
                        }
                    }
                    s00.intoArray(w, o0);
                    s01.intoArray(w, o0 + L);
                    s10.intoArray(w, o1);
                    s11.intoArray(w, o1 + L);
                }
                for (; r < rows; r++) {
                    int o0 = wOff + r * ldw + k;
                    DoubleVector s00 = DoubleVector.fromArray(S, w, o0);
                    DoubleVector s01 = DoubleVector.fromArray(S, w, o0 + L);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            DoubleVector g = DoubleVector.broadcast(S, dz[d0 + j]);
                            s00 = g.fma(DoubleVector.fromArray(S, xt, v0 + j * ldx), s00);
                            s01 = g.fma(DoubleVector.fromArray(S, xt, v0 + j * ldx + L), s01);
                        }
                    }
                    s00.intoArray(w, o0);
                    s01.intoArray(w, o0 + L);
                }
            }
            for (; k < inner; k += L) { // the last columns, one (possibly partial) vector at a time
                VectorMask<Double> m = S.indexInRange(k, inner);
                int r = 0;
                for (; r + 4 <= rows; r += 4) { // four rows: four independent chains
                    int o0 = wOff + r * ldw + k;
                    DoubleVector s0 = DoubleVector.fromArray(S, w, o0, m);
                    DoubleVector s1 = DoubleVector.fromArray(S, w, o0 + ldw, m);
                    DoubleVector s2 = DoubleVector.fromArray(S, w, o0 + 2 * ldw, m);
                    DoubleVector s3 = DoubleVector.fromArray(S, w, o0 + 3 * ldw, m);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            DoubleVector x0 = DoubleVector.fromArray(S, xt, v0 + j * ldx, m);
                            s0 = DoubleVector.broadcast(S, dz[d0 + j]).fma(x0, s0);
                            s1 = DoubleVector.broadcast(S, dz[d0 + cols + j]).fma(x0, s1);
                            s2 = DoubleVector.broadcast(S, dz[d0 + 2 * cols + j]).fma(x0, s2);
                            s3 = DoubleVector.broadcast(S, dz[d0 + 3 * cols + j]).fma(x0, s3);
                        }
                    }
                    s0.intoArray(w, o0, m);
                    s1.intoArray(w, o0 + ldw, m);
                    s2.intoArray(w, o0 + 2 * ldw, m);
                    s3.intoArray(w, o0 + 3 * ldw, m);
                }
                for (; r < rows; r++) {
                    int o0 = wOff + r * ldw + k;
                    DoubleVector s0 = DoubleVector.fromArray(S, w, o0, m);
                    for (int t = t0; t < t1; t++) {
                        int d0 = dzOff + t * dzStep + r * cols;
                        int v0 = xtOff + t * xtStep + k;
                        for (int j = 0; j < cols; j++) {
                            s0 = DoubleVector.broadcast(S, dz[d0 + j]).fma(DoubleVector.fromArray(S, xt, v0 + j * ldx, m), s0);
                        }
                    }
                    s0.intoArray(w, o0, m);
                }
            }
        }
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) { // four rows: four independent add chains
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            DoubleVector s2 = DoubleVector.zero(S);
            DoubleVector s3 = DoubleVector.zero(S);
            for (int t = 0; t < steps; t++) {
                int d = dzOff + t * dzStep + r * cols;
                for (int j = 0; j < cols; j += L) {
                    s0 = s0.add(DoubleVector.fromArray(S, dz, d + j));
                    s1 = s1.add(DoubleVector.fromArray(S, dz, d + cols + j));
                    s2 = s2.add(DoubleVector.fromArray(S, dz, d + 2 * cols + j));
                    s3 = s3.add(DoubleVector.fromArray(S, dz, d + 3 * cols + j));
                }
            }
            b[bOff + r] += laneSum(s0);
            b[bOff + r + 1] += laneSum(s1);
            b[bOff + r + 2] += laneSum(s2);
            b[bOff + r + 3] += laneSum(s3);
        }
        for (; r < rows; r++) {
            DoubleVector s = DoubleVector.zero(S);
            for (int t = 0; t < steps; t++) {
                int d = dzOff + t * dzStep + r * cols;
                for (int j = 0; j < cols; j += L) {
                    s = s.add(DoubleVector.fromArray(S, dz, d + j));
                }
            }
            b[bOff + r] += laneSum(s);
        }
    }

    /**
     * The lanes added one by one in lane order (reduceLanes' order is the CPU's). The one helper that
     * takes a vector: it is tiny and called once per row, outside the loops.
     */
    private static double laneSum(DoubleVector s) {
        if (L == 4) {
            return 0.0 + s.lane(0) + s.lane(1) + s.lane(2) + s.lane(3);
        }
        double sum = 0.0;
        for (int l = 0; l < L; l++) {
            sum += s.lane(l);
        }
        return sum;
    }

    @Override
    public void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff) {
        if (f == Activation.GELU) {
            ScalarOps.INSTANCE.activate(f, a, aOff, n, d, dOff);
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
            exp(d, dOff, n);
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
            ScalarOps.INSTANCE.activate(f, a, aOff + i, n - i, d, dOff + i);
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

    /**
     * e^x in place over n values, from IEEE operations only (so the same bits whether C2 has compiled
     * it or not): x clamped to [-708, 709] (e^x stays a normal double; tanh and sigmoid built on it are
     * unchanged to the last bit there, and differ from the exact ones by under 1e-307 beyond), x = k ln2
     * + r with k rounded to nearest by the 1.5 2^52 trick (whose low bits then hold k), |r| <= ln2/2,
     * e^r by its Taylor polynomial to degree 13 (truncation under 1e-17), times 2^k built in the
     * exponent bits. About 1-2 ulp.
     */
    static void exp(double[] a, int off, int n) {
        int bound = S.loopBound(n);
        long magic = Double.doubleToRawLongBits(EXP_SHIFTER);
        int i = 0;
        for (; i < bound; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, a, off + i).max(EXP_LO).min(EXP_HI);
            DoubleVector t = x.fma(LOG2E, EXP_SHIFTER);
            DoubleVector k = t.sub(EXP_SHIFTER);
            DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), x);
            r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, 1.0 / 6227020800.0);
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 479001600.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 39916800.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 3628800.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 362880.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 40320.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 5040.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 720.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 120.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 24.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 6.0));
            p = p.fma(r, DoubleVector.broadcast(S, 0.5));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0));
            p = p.fma(r, DoubleVector.broadcast(S, 1.0));
            LongVector scale = ((LongVector) t.reinterpretAsLongs()).sub(magic - 1023L).lanewise(VectorOperators.LSHL, 52);
            p.mul(scale.reinterpretAsDoubles()).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = ScalarOps.exp(a[off + i]);
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
        exp(s, sOff, 3 * n);
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
