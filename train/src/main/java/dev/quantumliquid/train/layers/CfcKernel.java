package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnBlocks;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.kernel.Dropout;

/**
 * The hand-written {@link BatchKernel} of {@link TrainableCfc} without mixed memory (modes default, no_gate
 * and pure; any backbone depth, width and activation; optional projection): every step of the chunk is
 * a few matrix-matrix products on column blocks ({@link ColumnKernels}), the backbone over [x | h] in one block,
 * the heads fused into one [heads x units][z] matrix packed at each forward call.
 *
 * <p>When every time span of a chunk is 1 (ncps's default) the two time heads are summed at packing,
 * as the engine does, so the products carry three heads instead of four.
 *
 * <p>The forward pass keeps, for all T steps, [x_t | h_(t-1)], each backbone layer's activation and
 * derivative, and the gate values; the backward pass runs back through time with the transposed
 * matrices (also packed once per forward call) and leaves the weight gradients to one product per
 * matrix over all steps at the end. Pure mode's elementwise part is scalar (it is rare); the rest is
 * vectorised through {@link ColumnKernels}. Mixed memory is not handled here: {@link TrainableCfc#kernel(ColumnKernels)} gives
 * such a layer the generic tape kernel.
 *
 * <p>Backbone dropout (training passes only, see {@link #training}) multiplies each backbone layer's
 * activation and its kept derivative by the {@link Dropout} factor of the element, so the backward pass
 * uses the forward's mask without storing it; it is a scalar loop of exact products, the same bits
 * under either twin of the primitives.
 */
final class CfcKernel implements BatchKernel {
    private final ColumnKernels ops;
    private final int in;
    private final int h;
    private final int u;      // backbone units
    private final int layers; // backbone layers
    private final int width;  // in + h
    private final int z;      // the heads' input width
    private final int q;      // projection size, 0 without
    private final int nh;     // heads: 4, or 1 in pure mode
    private final boolean pure;
    private final boolean noGate;
    private final Activation act;
    private final double dropout; // backbone dropout probability, applied in training passes only
    private final int[] bbW, bbB, bbIn, headW, headB;
    private final int tau, amp, fcW, fcB;

    CfcKernel(ColumnKernels ops, TrainableCfc.Config c, int[] bbW, int[] bbB, int[] bbIn, int[] headW, int[] headB, int tau, int amp, int fcW,
            int fcB) {
        this.ops = ops;
        this.in = c.inputSize();
        this.h = c.units();
        this.layers = c.backboneLayers();
        this.u = layers == 0 ? 0 : c.backboneUnits();
        this.width = in + h;
        this.z = layers == 0 ? width : u;
        this.q = c.projSize();
        this.pure = c.mode().equals("pure");
        this.noGate = c.mode().equals("no_gate");
        this.nh = pure ? 1 : 4;
        this.act = c.activation();
        this.dropout = c.backboneDropout();
        this.bbW = bbW.clone();
        this.bbB = bbB.clone();
        this.bbIn = bbIn.clone();
        this.headW = headW.clone();
        this.headB = headB.clone();
        this.tau = tau;
        this.amp = amp;
        this.fcW = fcW;
        this.fcB = fcB;
    }

    private final class ThreadBuffers implements Scratch {
        final int cap;
        final int maxSteps;
        final double[] cat;    // [T+1][width][cols]: x_t and h_(t-1); block t+1 holds h_t
        final double[][] zs;   // [layers][T][u][cols] backbone activations
        final double[][] ds;   // [layers][T][u][cols] their derivatives, then dL/d pre-activation
        final double[] s;      // [T][3h][cols] f1, f2, g (pure: [T][2h][cols] ff1, e)
        final double[] dheads; // [T][nh h][cols]
        final double[] pre;    // [nh h][cols] one step's heads
        final double[] dt;     // [T][cols]
        final double[] dy;     // [T][out][cols]
        final double[] proj;   // [q][cols]
        final double[] wh, bh, whT; // [rows][z], [rows], [z][rows]: the packed heads
        final double[] dw;     // [h][z] the summed time heads' gradient
        boolean fused;         // every time span of the chunk is 1: time_a + time_b packed as one head
        boolean training;      // training pass: backbone dropout applies, with masks of key
        long key;
        int rows;              // packed head rows: nh h, or 3h when fused
        final double[][] bbT;  // [layers][bbIn][u]
        final double[] fcT;    // [h][q]
        final double[] dh, carry; // [h][cols]
        final double[] bufA, bufB; // [max(z, width)][cols]
        final double[] absTau, dA, dTau; // [h] pure mode
        final double[] xt;     // [T][cols][max(width, u)] a product's inputs transposed, for the weight gradients

        ThreadBuffers(int batch, int steps) {
            cap = ops.columns(batch);
            maxSteps = steps;
            cat = new double[(steps + 1) * width * cap];
            zs = new double[layers][steps * u * cap];
            ds = new double[layers][steps * u * cap];
            s = new double[steps * (pure ? 2 : 3) * h * cap];
            dheads = new double[steps * nh * h * cap];
            pre = new double[nh * h * cap];
            dt = new double[steps * cap];
            dy = new double[steps * (q > 0 ? q : h) * cap];
            proj = new double[q * cap];
            wh = new double[nh * h * z];
            bh = new double[nh * h];
            whT = new double[z * nh * h];
            dw = new double[pure ? 0 : h * z];
            bbT = new double[layers][];
            for (int l = 0; l < layers; l++) {
                bbT[l] = new double[bbIn[l] * u];
            }
            fcT = new double[h * q];
            dh = new double[h * cap];
            carry = new double[h * cap];
            bufA = new double[Math.max(z, width) * cap];
            bufB = new double[Math.max(z, width) * cap];
            absTau = new double[pure ? h : 0];
            dA = new double[pure ? h : 0];
            dTau = new double[pure ? h : 0];
            xt = new double[steps * cap * (Math.max(width, u) + ColumnBlocks.ROW_PAD)];
        }
    }

    @Override
    public Scratch scratch(int batch, int steps) {
        return new ThreadBuffers(batch, steps);
    }

    @Override
    public void training(Scratch s, boolean training, long key) {
        ThreadBuffers m = (ThreadBuffers) s;
        m.training = training;
        m.key = key;
    }

    private ThreadBuffers buffers(Scratch s, int batch, int steps) {
        ThreadBuffers m = (ThreadBuffers) s;
        if (ops.columns(batch) > m.cap || steps > m.maxSteps) {
            throw new IllegalArgumentException(batch + " x " + steps + " does not fit scratch for " + m.cap + " x " + m.maxSteps);
        }
        return m;
    }

    @Override
    public void forward(double[] p, Scratch sc, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        m.fused = !pure && unitSpans(dt, batch, steps);
        pack(p, m);
        int blk = width * cols;
        ColumnBlocks.toColumns(x, 0, batch, in, steps, m.cat, 0, blk, cols);
        ColumnBlocks.timeColumns(dt, batch, steps, m.dt, cols);
        java.util.Arrays.fill(m.cat, in * cols, blk, 0.0);
        if (m.fused) {
            java.util.Arrays.fill(m.pre, 3 * h * cols, 4 * h * cols, 0.0); // time_b rows: the sum sits in time_a's, dt = 1
        }
        int sw = (pure ? 2 : 3) * h * cols;
        for (int t = 0; t < steps; t++) {
            double[] cur = m.cat;
            int curOff = t * blk;
            for (int l = 0; l < layers; l++) {
                int o = t * u * cols;
                ops.mul(p, bbW[l], bbIn[l], u, bbIn[l], p, bbB[l], cur, curOff, cols, m.zs[l], o);
                ops.activate(act, m.zs[l], o, u * cols, m.ds[l], o);
                if (m.training && dropout > 0.0) {
                    drop(m, l, t, steps, o, cols);
                }
                cur = m.zs[l];
                curOff = o;
            }
            ops.mul(m.wh, 0, z, m.rows, z, m.bh, 0, cur, curOff, cols, m.pre, 0);
            int hOut = (t + 1) * blk + in * cols; // h_t goes into the next block
            if (pure) {
                pureGate(p, m, t, cols, m.cat, hOut);
            } else {
                ops.gate(noGate, m.pre, 0, h, cols, m.dt, t * cols, m.s, t * sw, m.cat, hOut);
            }
            if (q > 0) {
                ops.mul(p, fcW, h, q, h, p, fcB, m.cat, hOut, cols, m.proj, 0);
                ColumnBlocks.fromColumns(m.proj, 0, 0, cols, batch, q, 1, y, t * batch * q);
            }
        }
        if (q == 0) {
            ColumnBlocks.fromColumns(m.cat, blk + in * cols, blk, cols, batch, h, steps, y, 0);
        }
    }

    /**
     * Backbone dropout of layer l at step t: the activation and its derivative times the mask factor (0
     * or 1/(1 - p)), so backward's dL/d pre-activation is dL/d output x factor x act'. An element's factor
     * depends on (sequence, step, layer, unit) only, not on the column padding of the primitives.
     */
    private void drop(ThreadBuffers m, int l, int t, int steps, int o, int cols) {
        for (int i = 0; i < u; i++) {
            for (int j = 0; j < cols; j++) {
                double f = Dropout.factor(m.key, (((long) j * steps + t) * layers + l) * u + i, dropout);
                int e = o + i * cols + j;
                m.zs[l][e] *= f;
                m.ds[l][e] *= f;
            }
        }
    }

    /** Pure mode: h = -A e ff1 + A, e = exp(-dt (|w_tau| + |ff1|)); keeps ff1 and e. */
    private void pureGate(double[] p, ThreadBuffers m, int t, int cols, double[] out, int outOff) {
        int n = h * cols;
        int so = t * 2 * n;
        for (int i = 0; i < h; i++) {
            double a = p[amp + i];
            double at = m.absTau[i];
            for (int j = 0; j < cols; j++) {
                int e = i * cols + j;
                double f = m.pre[e];
                double ex = Math.exp((at + Math.abs(f)) * -m.dt[t * cols + j]);
                m.s[so + e] = f;
                m.s[so + n + e] = ex;
                out[outOff + e] = -(a * ex * f) + a;
            }
        }
    }

    private static boolean unitSpans(double[] dt, int batch, int steps) {
        for (int i = 0; i < batch * steps; i++) {
            if (dt[i] != 1.0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Packs the heads (and the transposes backward needs). With every time span 1 the gate's
     * time_a dt + time_b is (W_a + W_b) z + b_a + b_b: one head fewer in every product of the chunk.
     */
    private void pack(double[] p, ThreadBuffers m) {
        m.rows = m.fused ? 3 * h : nh * h;
        for (int k = 0; k < (m.fused ? 2 : nh); k++) {
            System.arraycopy(p, headW[k], m.wh, k * h * z, h * z);
            System.arraycopy(p, headB[k], m.bh, k * h, h);
        }
        if (m.fused) {
            for (int e = 0; e < h * z; e++) {
                m.wh[2 * h * z + e] = p[headW[2] + e] + p[headW[3] + e];
            }
            for (int i = 0; i < h; i++) {
                m.bh[2 * h + i] = p[headB[2] + i] + p[headB[3] + i];
            }
        }
        ColumnBlocks.transpose(m.wh, 0, z, m.rows, z, m.whT, 0);
        for (int l = 0; l < layers; l++) {
            ColumnBlocks.transpose(p, bbW[l], bbIn[l], u, bbIn[l], m.bbT[l], 0);
        }
        if (q > 0) {
            ColumnBlocks.transpose(p, fcW, h, q, h, m.fcT, 0);
        }
        for (int i = 0; i < m.absTau.length; i++) {
            m.absTau[i] = Math.abs(p[tau + i]);
        }
    }

    @Override
    public void backward(double[] p, Scratch sc, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        int blk = width * cols;
        int out = q > 0 ? q : h;
        int n = h * cols;
        int sw = (pure ? 2 : 3) * n;
        int hw = nh * n;
        ColumnBlocks.toColumns(dy, 0, batch, out, steps, m.dy, 0, out * cols, cols);
        java.util.Arrays.fill(m.carry, 0, n, 0.0);
        if (pure) {
            java.util.Arrays.fill(m.dA, 0.0);
            java.util.Arrays.fill(m.dTau, 0.0);
        }
        for (int t = steps - 1; t >= 0; t--) {
            if (q > 0) {
                ops.mul(m.fcT, 0, q, h, q, null, 0, m.dy, t * q * cols, cols, m.dh, 0);
            } else {
                System.arraycopy(m.dy, t * n, m.dh, 0, n);
            }
            ops.add(m.dh, 0, m.carry, 0, n);
            if (pure) {
                pureBackward(p, m, t, cols);
            } else {
                ops.gateBackward(noGate, m.dh, 0, h, cols, m.dt, t * cols, m.s, t * sw, m.dheads, t * hw);
            }
            double[] cur = m.bufA;
            double[] next = m.bufB;
            // fused: the first 3h rows of dheads are dff1, dff2 and dL/d(time_a dt + time_b) (dt = 1)
            // The product that yields dL/d[x_t | h_(t-1)] skips the x rows when nobody wants dL/dx.
            int skip = dx == null ? in : 0;
            int first = layers == 0 ? skip : 0;
            ops.mul(m.whT, first * m.rows, m.rows, z - first, m.rows, null, 0, m.dheads, t * hw, cols, cur, first * cols);
            for (int l = layers - 1; l >= 0; l--) {
                int o = t * u * cols;
                int from = l == 0 ? skip : 0;
                ops.multiply(m.ds[l], o, cur, 0, u * cols);
                ops.mul(m.bbT[l], from * u, u, bbIn[l] - from, u, null, 0, m.ds[l], o, cols, next, from * cols);
                double[] sw2 = cur;
                cur = next;
                next = sw2;
            }
            // cur = dL/d [x_t | h_(t-1)]
            if (dx != null) {
                ColumnBlocks.fromColumns(cur, 0, 0, cols, batch, in, 1, dx, t * batch * in);
            }
            System.arraycopy(cur, in * cols, m.carry, 0, n);
        }
        double[] zx = layers == 0 ? m.cat : m.zs[layers - 1];
        int zStep = layers == 0 ? blk : u * cols;
        int zl = ColumnBlocks.rowStride(z);
        ColumnBlocks.transposeSteps(zx, 0, zStep, z, cols, steps, m.xt, zl);
        for (int k = 0; k < nh; k++) {
            if (m.fused && k >= 2) { // dL/dW_a = dL/dW_b: one product, added to both
                if (k == 2) {
                    java.util.Arrays.fill(m.dw, 0.0);
                    ops.outer(m.dheads, k * n, hw, h, m.xt, 0, cols * zl, zl, z, steps, cols, m.dw, 0, z);
                }
                for (int e = 0; e < h * z; e++) {
                    grad[headW[k] + e] += m.dw[e];
                }
            } else {
                ops.outer(m.dheads, k * n, hw, h, m.xt, 0, cols * zl, zl, z, steps, cols, grad, headW[k], z);
            }
            ops.rowSums(m.dheads, k * n, hw, h, steps, cols, grad, headB[k]);
        }
        for (int l = 0; l < layers; l++) {
            double[] xl = l == 0 ? m.cat : m.zs[l - 1];
            int xStep = l == 0 ? blk : u * cols;
            int wi = bbIn[l];
            int ld = ColumnBlocks.rowStride(wi);
            ColumnBlocks.transposeSteps(xl, 0, xStep, wi, cols, steps, m.xt, ld);
            ops.outer(m.ds[l], 0, u * cols, u, m.xt, 0, cols * ld, ld, wi, steps, cols, grad, bbW[l], wi);
            ops.rowSums(m.ds[l], 0, u * cols, u, steps, cols, grad, bbB[l]);
        }
        if (q > 0) {
            int hl = ColumnBlocks.rowStride(h);
            ColumnBlocks.transposeSteps(m.cat, blk + in * cols, blk, h, cols, steps, m.xt, hl);
            ops.outer(m.dy, 0, q * cols, q, m.xt, 0, cols * hl, hl, h, steps, cols, grad, fcW, h);
            ops.rowSums(m.dy, 0, q * cols, q, steps, cols, grad, fcB);
        }
        if (pure) {
            for (int i = 0; i < h; i++) {
                double w = p[tau + i];
                grad[amp + i] += m.dA[i];
                grad[tau + i] += m.dTau[i] * (w > 0 ? 1.0 : w < 0 ? -1.0 : 0.0);
            }
        }
    }

    /** dL/d ff1 of pure mode into dheads[t]; dL/dA and dL/d|w_tau| summed into dA, dTau. */
    private void pureBackward(double[] p, ThreadBuffers m, int t, int cols) {
        int n = h * cols;
        int so = t * 2 * n;
        int d0 = t * n;
        for (int i = 0; i < h; i++) {
            double a = p[amp + i];
            double sa = 0;
            double st = 0;
            for (int j = 0; j < cols; j++) {
                int e = i * cols + j;
                double g = m.dh[e];
                double f = m.s[so + e];
                double ex = m.s[so + n + e];
                double ds = -g * f * a * ex * -m.dt[t * cols + j]; // dL/d (|w_tau| + |ff1|)
                sa += g - g * f * ex;
                st += ds;
                m.dheads[d0 + e] = -g * a * ex + ds * (f > 0 ? 1.0 : f < 0 ? -1.0 : 0.0);
            }
            m.dA[i] += sa;
            m.dTau[i] += st;
        }
    }
}
