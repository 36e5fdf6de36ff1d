package dev.quantumliquid.train.batch;

import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.kernel.Dropout;
import dev.quantumliquid.train.layers.TrainableLayer;
import dev.quantumliquid.train.layers.TrainableModel;
import java.util.List;

/**
 * A model's loss (a {@link Loss}: weighted MSE for forecasting, softmax cross-entropy for
 * classification) and its gradient over a chunk of windows at once: the windows are gathered
 * time-major, every layer's {@link BatchKernel} runs forward, the loss seeds dL/dy, and the kernels
 * run backward in reverse layer order. With MSE the result equals the sum of
 * {@link TrainableModel#lossAndGradient} over the chunk's windows up to rounding (the tests hold it to
 * that). Immutable; the memory of one chunk is a {@link Context}, one per thread.
 */
public final class ModelBatch {
    private final TrainableModel model;
    private final List<TrainableLayer> layers;
    private final BatchKernel[] kernels;
    private final int[] offsets; // [layers + 1] into the flat parameter vector

    /** With the vectorised primitives ({@link ColumnKernels#vector()}). */
    public ModelBatch(TrainableModel model) {
        this(model, ColumnKernels.VECTOR);
    }

    /** With the kernels built on these primitives (where a layer's kernel uses {@link ColumnKernels}). */
    public ModelBatch(TrainableModel model, ColumnKernels ops) {
        this.model = model;
        this.layers = model.layers();
        this.kernels = new BatchKernel[layers.size()];
        this.offsets = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            kernels[i] = layers.get(i).kernel(ops);
            offsets[i + 1] = offsets[i] + layers.get(i).params().length;
        }
    }

    /** One thread's memory for chunks of at most {@code batch} windows of {@code steps} steps. */
    public final class Context {
        final int batch;
        final int steps;
        final BatchKernel.Scratch[] scratch;
        final double[][] act;   // [layers + 1] activations at each layer boundary, [T][B][width]
        final double[][] grad;  // [layers + 1] dL/d activation at each boundary
        final double[][] pgrad; // [layers] per-layer parameter gradients
        final double[] dt;      // [T][B]

        Context(int batch, int steps) {
            this.batch = batch;
            this.steps = steps;
            int n = layers.size();
            scratch = new BatchKernel.Scratch[n];
            act = new double[n + 1][];
            grad = new double[n + 1][];
            pgrad = new double[n][];
            act[0] = new double[steps * batch * model.info().inputFeatures()];
            grad[0] = null;
            for (int i = 0; i < n; i++) {
                scratch[i] = kernels[i].scratch(batch, steps);
                act[i + 1] = new double[steps * batch * layers.get(i).outputSize()];
                grad[i + 1] = new double[act[i + 1].length];
                pgrad[i] = new double[offsets[i + 1] - offsets[i]];
            }
            dt = new double[steps * batch];
        }
    }

    public Context context(int batch, int steps) {
        return new Context(batch, steps);
    }

    private void gather(Context c, Windows data, int[] idx, int from, int n) {
        int in = model.info().inputFeatures();
        double[] x = c.act[0];
        for (int b = 0; b < n; b++) {
            int w = idx[from + b];
            double[][] xs = data.x()[w];
            double[] ds = data.dt()[w];
            for (int k = 0; k < c.steps; k++) {
                System.arraycopy(xs[k], 0, x, (k * n + b) * in, in);
                c.dt[k * n + b] = ds[k];
            }
        }
    }

    private void forward(Context c, int n, boolean training, long key) {
        for (int i = 0; i < kernels.length; i++) {
            kernels[i].training(c.scratch[i], training, key);
            kernels[i].forward(layers.get(i).params(), c.scratch[i], n, c.steps, c.act[i], c.dt, c.act[i + 1]);
        }
    }

    private static void check(Context c, int n, Windows data) {
        if (n > c.batch || data.x()[0].length != c.steps) {
            throw new IllegalArgumentException("chunk of " + n + " windows of " + data.x()[0].length
                    + " steps does not fit a context for " + c.batch + " x " + c.steps);
        }
    }

    /** Sum over the windows idx[from..from+n) of sum_{k >= lossFrom, j} w_j (y_kj - target_kj)^2 (forward only). */
    public double loss(Context c, Windows data, int[] idx, int from, int n, double[] w, int lossFrom) {
        return loss(c, data, idx, from, n, new Mse(w, lossFrom));
    }

    /** The given loss summed over the windows idx[from..from+n) (forward only). */
    public double loss(Context c, Windows data, int[] idx, int from, int n, Loss loss) {
        check(c, n, data);
        gather(c, data, idx, from, n);
        forward(c, n, false, 0L);
        return loss.seed(c.act[kernels.length], c.steps, n, data, idx, from, null);
    }

    /**
     * As {@link #loss}, and adds the gradient of that sum with respect to every parameter into grad
     * (flat, layer by layer as {@link TrainableModel#parameters()}).
     */
    public double lossAndGradient(Context c, Windows data, int[] idx, int from, int n, double[] w, int lossFrom, double[] grad) {
        return lossAndGradient(c, data, idx, from, n, new Mse(w, lossFrom), grad);
    }

    /** As {@link #lossAndGradient(Context, Windows, int[], int, int, Loss, double[], long)} with dropout key 0. */
    public double lossAndGradient(Context c, Windows data, int[] idx, int from, int n, Loss lossFn, double[] grad) {
        return lossAndGradient(c, data, idx, from, n, lossFn, grad, 0L);
    }

    /**
     * The training loss of the windows (a training pass: layers with dropout apply the masks of
     * {@link Dropout} key {@code dropoutKey}) and its gradient, added into grad (flat, layer by layer as
     * {@link TrainableModel#parameters()}).
     */
    public double lossAndGradient(Context c, Windows data, int[] idx, int from, int n, Loss lossFn, double[] grad, long dropoutKey) {
        check(c, n, data);
        gather(c, data, idx, from, n);
        forward(c, n, true, dropoutKey);
        int last = kernels.length;
        double loss = lossFn.seed(c.act[last], c.steps, n, data, idx, from, c.grad[last]);
        for (int i = last - 1; i >= 0; i--) {
            java.util.Arrays.fill(c.pgrad[i], 0.0);
            kernels[i].backward(layers.get(i).params(), c.scratch[i], n, c.steps, c.grad[i + 1], i == 0 ? null : c.grad[i], c.pgrad[i]);
            double[] g = c.pgrad[i];
            for (int j = 0; j < g.length; j++) {
                grad[offsets[i] + j] += g[j];
            }
        }
        return loss;
    }
}
