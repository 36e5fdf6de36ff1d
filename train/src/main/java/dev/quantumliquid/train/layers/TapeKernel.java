package dev.quantumliquid.train.layers;

import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.layers.TrainableLayer;

/**
 * The generic {@link BatchKernel}: each sequence of the chunk runs through its {@link TrainableLayer} on the tape on its
 * own (parameters and inputs as leaves), and the backward sweep is seeded with dy. Exact by
 * construction, slow; layers without a hand-written kernel (pqc, for one) train through it.
 */
public final class TapeKernel implements BatchKernel {
    private final TrainableLayer layer;

    public TapeKernel(TrainableLayer layer) {
        this.layer = layer;
    }

    private static final class ThreadBuffers implements Scratch {
        final Tape tape = new Tape();
        final double[] x; // [T][B][in] inputs of the last forward
        final double[] dt;

        ThreadBuffers(int in, int batch, int steps) {
            x = new double[steps * batch * in];
            dt = new double[steps * batch];
        }
    }

    @Override
    public Scratch scratch(int batch, int steps) {
        return new ThreadBuffers(layer.inputSize(), batch, steps);
    }

    @Override
    public void forward(double[] params, Scratch s, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers m = (ThreadBuffers) s;
        int in = layer.inputSize();
        System.arraycopy(x, 0, m.x, 0, steps * batch * in);
        System.arraycopy(dt, 0, m.dt, 0, steps * batch);
        for (int b = 0; b < batch; b++) {
            run(params, m, batch, steps, b, y, null, null, null);
        }
    }

    @Override
    public void backward(double[] params, Scratch s, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers m = (ThreadBuffers) s;
        for (int b = 0; b < batch; b++) {
            run(params, m, batch, steps, b, null, dy, dx, grad);
        }
    }

    /** One sequence b on the tape: writes y when given, else back-propagates dy into dx and grad. */
    private void run(double[] params, ThreadBuffers m, int batch, int steps, int b, double[] y, double[] dy, double[] dx, double[] grad) {
        Tape t = m.tape;
        t.reset();
        int in = layer.inputSize();
        int out = layer.outputSize();
        int base = t.size();
        for (double v : params) {
            t.leaf(v);
        }
        int zero = t.leaf(0.0);
        TrainableLayer.Run run = layer.begin(t, base);
        int[] state = new int[layer.stateSize()];
        java.util.Arrays.fill(state, zero);
        int[][] xs = new int[steps][in];
        int[] outs = new int[steps * out];
        for (int k = 0; k < steps; k++) {
            for (int f = 0; f < in; f++) {
                xs[k][f] = t.leaf(m.x[(k * batch + b) * in + f]);
            }
            int[] o = run.step(xs[k], state, m.dt[k * batch + b]);
            System.arraycopy(o, 0, outs, k * out, out);
            if (y != null) {
                for (int j = 0; j < out; j++) {
                    y[(k * batch + b) * out + j] = t.value(o[j]);
                }
            }
        }
        if (y != null) {
            return;
        }
        double[] seeds = new double[steps * out];
        for (int k = 0; k < steps; k++) {
            System.arraycopy(dy, (k * batch + b) * out, seeds, k * out, out);
        }
        t.backward(outs, seeds, outs.length);
        for (int i = 0; i < params.length; i++) {
            grad[i] += t.grad(base + i);
        }
        if (dx != null) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < in; f++) {
                    dx[(k * batch + b) * in + f] = t.grad(xs[k][f]);
                }
            }
        }
    }
}
