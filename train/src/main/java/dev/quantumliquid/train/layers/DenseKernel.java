package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnBlocks;
import dev.quantumliquid.train.kernel.ColumnKernels;

/**
 * The hand-written {@link BatchKernel} of {@link TrainableDense}: y = act(W x + b) as one product per step on
 * column blocks; backward dx = W^T (dy act') with W^T packed once per forward call, and dW, db as one
 * product over all steps.
 */
final class DenseKernel implements BatchKernel {
    private final ColumnKernels ops;
    private final int in;
    private final int out;
    private final Activation act;
    private final int w;
    private final int b;

    DenseKernel(ColumnKernels ops, int in, int out, Activation act, int w, int b) {
        this.ops = ops;
        this.in = in;
        this.out = out;
        this.act = act;
        this.w = w;
        this.b = b;
    }

    private final class ThreadBuffers implements Scratch {
        final int cap;
        final int maxSteps;
        final double[] x;  // [T][in][cols]
        final double[] z;  // [T][out][cols] outputs
        final double[] d;  // [T][out][cols] act', then dL/d pre-activation
        final double[] dy; // [T][out][cols]
        final double[] dx; // [T][in][cols], then x transposed ([T][cols][in])
        final double[] wT; // [in][out]

        ThreadBuffers(int batch, int steps) {
            cap = ops.columns(batch);
            maxSteps = steps;
            x = new double[steps * in * cap];
            z = new double[steps * out * cap];
            d = new double[steps * out * cap];
            dy = new double[steps * out * cap];
            dx = new double[steps * (in + ColumnBlocks.ROW_PAD) * cap];
            wT = new double[in * out];
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

    @Override
    public void forward(double[] p, Scratch sc, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        ColumnBlocks.toColumns(x, 0, batch, in, steps, m.x, 0, in * cols, cols);
        for (int t = 0; t < steps; t++) {
            ops.mul(p, w, in, out, in, p, b, m.x, t * in * cols, cols, m.z, t * out * cols);
        }
        ops.activate(act, m.z, 0, steps * out * cols, m.d, 0);
        ColumnBlocks.fromColumns(m.z, 0, out * cols, cols, batch, out, steps, y, 0);
        ColumnBlocks.transpose(p, w, in, out, in, m.wT, 0);
    }

    @Override
    public void backward(double[] p, Scratch sc, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers m = buffers(sc, batch, steps);
        int cols = ops.columns(batch);
        int n = steps * out * cols;
        ColumnBlocks.toColumns(dy, 0, batch, out, steps, m.dy, 0, out * cols, cols);
        ops.multiply(m.d, 0, m.dy, 0, n);
        if (dx != null) {
            for (int t = 0; t < steps; t++) {
                ops.mul(m.wT, 0, out, in, out, null, 0, m.d, t * out * cols, cols, m.dx, t * in * cols);
            }
            ColumnBlocks.fromColumns(m.dx, 0, in * cols, cols, batch, in, steps, dx, 0);
        }
        int ld = ColumnBlocks.rowStride(in);
        ColumnBlocks.transposeSteps(m.x, 0, in * cols, in, cols, steps, m.dx, ld);
        ops.outer(m.d, 0, out * cols, out, m.dx, 0, cols * ld, ld, in, steps, cols, grad, w, in);
        ops.rowSums(m.d, 0, out * cols, out, steps, cols, grad, b);
    }
}
