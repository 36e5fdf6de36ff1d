package dev.quantumliquid.train.layers;

import dev.quantumliquid.train.kernel.BatchKernel;

/**
 * The batched kernel of {@link TrainableScale}, y = x scale + shift per feature, straight on the seam's
 * [T][B][n] layout (plain loops: a few features, nothing to block). The gradients of scale and shift
 * are computed like the tape's although training keeps them fixed.
 */
final class ScaleKernel implements BatchKernel {
    private final int n;

    ScaleKernel(int n) {
        this.n = n;
    }

    private static final class ThreadBuffers implements Scratch {
        final double[] x; // [T][B][n] the inputs of the last forward

        ThreadBuffers(int size) {
            x = new double[size];
        }
    }

    @Override
    public Scratch scratch(int batch, int steps) {
        return new ThreadBuffers(batch * steps * n);
    }

    @Override
    public void forward(double[] p, Scratch s, int batch, int steps, double[] x, double[] dt, double[] y) {
        ThreadBuffers m = (ThreadBuffers) s;
        int len = batch * steps * n;
        System.arraycopy(x, 0, m.x, 0, len);
        for (int o = 0; o < len; o += n) {
            for (int i = 0; i < n; i++) {
                y[o + i] = x[o + i] * p[i] + p[n + i];
            }
        }
    }

    @Override
    public void backward(double[] p, Scratch s, int batch, int steps, double[] dy, double[] dx, double[] grad) {
        ThreadBuffers m = (ThreadBuffers) s;
        int len = batch * steps * n;
        for (int o = 0; o < len; o += n) {
            for (int i = 0; i < n; i++) {
                double g = dy[o + i];
                grad[i] += g * m.x[o + i];
                grad[n + i] += g;
                if (dx != null) {
                    dx[o + i] = g * p[i];
                }
            }
        }
    }
}
