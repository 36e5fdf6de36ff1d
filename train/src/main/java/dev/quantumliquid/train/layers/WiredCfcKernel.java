package dev.quantumliquid.train.layers;

import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnBlocks;
import dev.quantumliquid.train.kernel.ColumnKernels;

/**
 * The hand-written {@link BatchKernel} of {@link TrainableWiredCfc}: per wiring layer and step, one product of
 * the four heads fused into a [4n][in + n] matrix (ff1 and ff2 multiplied by the sparsity mask, packed
 * once per forward call) with the column block [input | own h], then the gate ({@link ColumnKernels#gate}). Layer
 * l's new h is written both into its own next block and into layer l+1's input rows of this step, so
 * no concatenation is ever copied. Backward runs back through time and, within a step, from the last
 * layer to the first, with the transposed packed matrices; the weight gradients are one product per
 * layer and head over all steps at the end, the masked ones zeroed where the mask is (the tape has no
 * edge there).
 */
final class WiredCfcKernel implements BatchKernel {
    private final ColumnKernels ops;
    private final int in;
    private final boolean noGate;
    private final int[] size;   // [layers] n_l
    private final int[] width;  // [layers] in_l + n_l
    private final double[][] mask; // [layers][n_l * width_l]
    private final int[][] w, b; // [layers][4] parameter offsets
    private final int nMax;
    private final int wMax;

    WiredCfcKernel(ColumnKernels ops, int in, boolean noGate, int[] size, int[] width, double[][] mask, int[][] w, int[][] b) {
        this.ops = ops;
        this.in = in;
        this.noGate = noGate;
        this.size = size.clone();
        this.width = width.clone();
        this.mask = mask;
        this.w = w;
        this.b = b;
        int n = 0;
        int wd = 0;
        for (int l = 0; l < size.length; l++) {
            n = Math.max(n, size[l]);
            wd = Math.max(wd, width[l]);
        }
        this.nMax = n;
        this.wMax = wd;
    }

    private final class ThreadBuffers implements Scratch {
        final int cap;
        final int maxSteps;
        final double[][] cat;    // [layers][T+1][width_l][cols]: input_t and h_(t-1); block t+1 holds h_t
        final double[][] s;      // [layers][T][3 n_l][cols] f1, f2, g
        final double[][] dheads; // [layers][T][4 n_l][cols]
        final double[][] wp;     // [layers][4 n_l][width_l] packed heads, masks applied
        final double[][] bp;     // [layers][4 n_l]
        final double[][] wT;     // [layers][width_l][4 n_l]
        final double[][] carry;  // [layers][n_l][cols] dL/dh_(t-1) from step t
        final double[] pre;      // [4 nMax][cols]
        final double[] dt;       // [T][cols]
        final double[] dy;       // [T][out][cols]
        final double[] dh;       // [nMax][cols]
        final double[] dcat;     // [wMax][cols]
        final double[] dw;       // [nMax * wMax] one masked head's gradient
        final double[] xt;       // [T][cols][wMax] a layer's inputs transposed, for the weight gradients

        ThreadBuffers(int batch, int steps) {
            cap = ops.columns(batch);
            maxSteps = steps;
            int nl = size.length;
            cat = new double[nl][];
            s = new double[nl][];
            dheads = new double[nl][];
            wp = new double[nl][];
            bp = new double[nl][];
            wT = new double[nl][];
            carry = new double[nl][];
            for (int l = 0; l < nl; l++) {
                int n = size[l];
                cat[l] = new double[(steps + 1) * width[l] * cap];
                s[l] = new double[steps * 3 * n * cap];
                dheads[l] = new double[steps * 4 * n * cap];
                wp[l] = new double[4 * n * width[l]];
                bp[l] = new double[4 * n];
                wT[l] = new double[4 * n * width[l]];
                carry[l] = new double[n * cap];
            }
            pre = new double[4 * nMax * cap];
            dt = new double[steps * cap];
            dy = new double[steps * size[nl - 1] * cap];
            dh = new double[nMax * cap];
            dcat = new double[wMax * cap];
            dw = new double[nMax * wMax];
            xt = new double[steps * cap * (wMax + ColumnBlocks.ROW_PAD)];
        }
    }

    @Override
    public Scratch scratch(int batch, int steps) {
        return new ThreadBuffers(batch, steps);
    }

    private ThreadBuffers buffers(Scratch s, int batch, int steps) {
        ThreadBuffers m = (ThreadBuffers) s;
        if (ops.columns(batch) > m.cap || steps > m.maxSteps) {
            throw new IllegalArgumentException(batch + " x " + steps + " does not fit scratch for " + m.cap + " x " + m.maxSteps);
        }
        return m;
    }

    private void pack(double[] p, ThreadBuffers m) {
        for (int l = 0; l < size.length; l++) {
            int n = size[l];
            int wl = width[l];
            for (int k = 0; k < 4; k++) {
                System.arraycopy(p, b[l][k], m.bp[l], k * n, n);
                int dst = k * n * wl;
                if (k < 2) {
                    double[] mk = mask[l];
                    for (int e = 0; e < n * wl; e++) {
                        m.wp[l][dst + e] = mk[e] != 0.0 ? p[w[l][k] + e] : 0.0;
                    }
                } else {
                    System.arraycopy(p, w[l][k], m.wp[l], dst, n * wl);
                }
            }
            ColumnBlocks.transpose(m.wp[l], 0, wl, 4 * n, wl, m.wT[l], 0);
        }
    }

    @Override
    public void forward(double[] p, Scratch sc, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        pack(p, m);
        int nl = size.length;
        ColumnBlocks.toColumns(x, 0, batch, in, steps, m.cat[0], 0, width[0] * cols, cols);
        ColumnBlocks.timeColumns(dt, batch, steps, m.dt, cols);
        for (int l = 0; l < nl; l++) {
            int inL = width[l] - size[l];
            java.util.Arrays.fill(m.cat[l], inL * cols, width[l] * cols, 0.0);
        }
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < nl; l++) {
                int n = size[l];
                int wl = width[l];
                int blk = wl * cols;
                int hOut = (t + 1) * blk + (wl - n) * cols;
                ops.mul(m.wp[l], 0, wl, 4 * n, wl, m.bp[l], 0, m.cat[l], t * blk, cols, m.pre, 0);
                ops.gate(noGate, m.pre, 0, n, cols, m.dt, t * cols, m.s[l], t * 3 * n * cols, m.cat[l], hOut);
                if (l + 1 < nl) {
                    System.arraycopy(m.cat[l], hOut, m.cat[l + 1], t * width[l + 1] * cols, n * cols);
                }
            }
        }
        int last = nl - 1;
        int blk = width[last] * cols;
        ColumnBlocks.fromColumns(m.cat[last], blk + (width[last] - size[last]) * cols, blk, cols, batch, size[last], steps, y, 0);
    }

    @Override
    public void backward(double[] p, Scratch sc, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        int nl = size.length;
        int last = nl - 1;
        int out = size[last];
        ColumnBlocks.toColumns(dy, 0, batch, out, steps, m.dy, 0, out * cols, cols);
        for (int l = 0; l < nl; l++) {
            java.util.Arrays.fill(m.carry[l], 0.0);
        }
        for (int t = steps - 1; t >= 0; t--) {
            for (int l = last; l >= 0; l--) {
                int n = size[l];
                int wl = width[l];
                int nc = n * cols;
                if (l == last) {
                    System.arraycopy(m.dy, t * nc, m.dh, 0, nc);
                } else {
                    System.arraycopy(m.dcat, 0, m.dh, 0, nc); // dL/d input rows of layer l+1 = dL/dh_t of layer l
                }
                ops.add(m.dh, 0, m.carry[l], 0, nc);
                ops.gateBackward(noGate, m.dh, 0, n, cols, m.dt, t * cols, m.s[l], t * 3 * nc, m.dheads[l], t * 4 * nc);
                ops.mul(m.wT[l], 0, 4 * n, wl, 4 * n, null, 0, m.dheads[l], t * 4 * nc, cols, m.dcat, 0);
                System.arraycopy(m.dcat, (wl - n) * cols, m.carry[l], 0, nc);
            }
            if (dx != null) {
                ColumnBlocks.fromColumns(m.dcat, 0, 0, cols, batch, in, 1, dx, t * batch * in);
            }
        }
        for (int l = 0; l < nl; l++) {
            int n = size[l];
            int wl = width[l];
            int step = 4 * n * cols;
            int ld = ColumnBlocks.rowStride(wl);
            ColumnBlocks.transposeSteps(m.cat[l], 0, wl * cols, wl, cols, steps, m.xt, ld);
            for (int k = 0; k < 4; k++) {
                if (k < 2) {
                    java.util.Arrays.fill(m.dw, 0, n * wl, 0.0);
                    ops.outer(m.dheads[l], k * n * cols, step, n, m.xt, 0, cols * ld, ld, wl, steps, cols, m.dw, 0, wl);
                    double[] mk = mask[l];
                    for (int e = 0; e < n * wl; e++) {
                        if (mk[e] != 0.0) {
                            grad[w[l][k] + e] += m.dw[e];
                        }
                    }
                } else {
                    ops.outer(m.dheads[l], k * n * cols, step, n, m.xt, 0, cols * ld, ld, wl, steps, cols, grad, w[l][k], wl);
                }
                ops.rowSums(m.dheads[l], k * n * cols, step, n, steps, cols, grad, b[l][k]);
            }
        }
    }
}
