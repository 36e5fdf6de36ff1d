package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.kernel.VectorWidth;
import dev.quantumliquid.engine.layer.Activation;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of {@link VectorColumnKernels}, register-blocked: {@link #mul} keeps a 6-row x 2-vector tile
 * of accumulators (12 of the 16 AVX2 registers, enough independent FMA chains to cover the FMA latency)
 * and broadcasts one weight per row per inner index (each loaded column vector feeds six FMAs);
 * {@link #outer} (on the transposed inputs) holds a 6-row x 2-vector tile of the weight gradient in
 * registers through a panel of steps; {@link #rowSums} adds lane by lane in lane order. Bit for bit as
 * {@link ScalarColumnKernels}.
 */
final class VectorColumnProducts {
    private static final VectorSpecies<Double> S = VectorWidth.DOUBLES;
    private static final int L = S.length();
    /** Steps per panel of {@link #outer}. */
    private static final int PANEL = 8;

    private VectorColumnProducts() {
    }

    static void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
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
    static void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
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

    static void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
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
}
