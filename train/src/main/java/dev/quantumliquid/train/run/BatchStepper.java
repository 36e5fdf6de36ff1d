package dev.quantumliquid.train.run;

import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.batch.Loss;
import dev.quantumliquid.train.batch.ModelBatch;
import dev.quantumliquid.train.batch.Mse;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.kernel.Dropout;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The per-batch work of {@link Trainer}, one optimiser step: the batch is cut into chunks of
 * {@link Trainer#CHUNK} windows whatever the thread count, the chunks' losses and gradients
 * ({@link ModelBatch}) are computed on a pool of worker threads and summed in chunk order (so the weights
 * depend on the seed only), the gradient is normalised, clipped to the global norm of the trainable
 * parameters' gradient (the frozen scale layers' gradients are dropped) and applied by Adam.
 * Also the chunked validation loss. Owns its threads and per-thread memory; {@link #close} stops them.
 * Not thread-safe: one training loop drives it.
 */
public final class BatchStepper implements AutoCloseable {
    private final TrainableModel model;
    private final Trainer.Config c;
    private final Loss lossFn;
    private final int steps;
    private final ExecutorService pool;
    private final ModelBatch batcher;
    private final ThreadLocal<ModelBatch.Context> contexts;
    private final double[][] grads; // [chunks of a batch][parameters]
    private double[] losses;        // [chunks]
    private final double[] g;       // [parameters] the batch's gradient
    private final double[] p;       // [parameters] the parameters being updated
    private final boolean[] trainable; // [parameters] false for the frozen ones (the scale layers)
    private double gradientNorm = Double.NaN;

    /** Forecasting: weighted MSE from step {@code c.lossFrom()} on, outputWeights the loss weight per output. */
    public BatchStepper(TrainableModel model, Trainer.Config c, double[] outputWeights, int steps) {
        this(model, c, new Mse(outputWeights.clone(), c.lossFrom()), steps);
    }

    /** For windows of {@code steps} steps and the given loss. */
    public BatchStepper(TrainableModel model, Trainer.Config c, Loss loss, int steps) {
        this.model = model;
        this.c = c;
        this.lossFn = loss;
        this.steps = steps;
        this.pool = Executors.newFixedThreadPool(c.threads(), r -> {
            Thread th = new Thread(r, "qlnn-train");
            th.setDaemon(true);
            return th;
        });
        this.batcher = new ModelBatch(model);
        this.contexts = ThreadLocal.withInitial(() -> batcher.context(Trainer.CHUNK, steps));
        int maxChunks = (c.batch() + Trainer.CHUNK - 1) / Trainer.CHUNK;
        this.grads = new double[maxChunks][model.parameterCount()];
        this.losses = new double[maxChunks];
        this.g = new double[model.parameterCount()];
        this.p = new double[model.parameterCount()];
        this.trainable = model.trainableMask();
    }

    /** As {@link #step(Windows, int[], int, int, Adam, double, long)} as optimiser step 0. */
    public double step(Windows data, int[] order, int from, int n, Adam adam, double lr) {
        return step(data, order, from, n, adam, lr, 0L);
    }

    /**
     * Optimiser step number {@code stepNo} of the run on the windows order[from..from+n) (n at most the
     * batch size) at learning rate lr; returns the batch's summed (unnormalised) loss. Dropout masks come
     * from the run's seed, stepNo and the chunk ({@link Dropout#key}), so they repeat on resume and do
     * not depend on the thread count.
     */
    public double step(Windows data, int[] order, int from, int n, Adam adam, double lr, long stepNo) {
        if (n < 1 || n > c.batch() || data.x()[0].length != steps) {
            throw new IllegalArgumentException("a batch of " + n + " windows of " + data.x()[0].length + " steps for a stepper of "
                    + c.batch() + " x " + steps);
        }
        int chunks = (n + Trainer.CHUNK - 1) / Trainer.CHUNK;
        run(chunks, k -> {
            int lo = from + k * Trainer.CHUNK;
            int len = Math.min(Trainer.CHUNK, from + n - lo);
            java.util.Arrays.fill(grads[k], 0.0);
            losses[k] = batcher.lossAndGradient(contexts.get(), data, order, lo, len, lossFn, grads[k], Dropout.key(c.seed(), stepNo, k));
        });
        double norm = n * lossFn.termsPerWindow(steps);
        java.util.Arrays.fill(g, 0.0);
        double loss = 0;
        for (int k = 0; k < chunks; k++) { // fixed chunks, fixed order: deterministic whatever the threads
            loss += losses[k];
            double[] gk = grads[k];
            for (int i = 0; i < g.length; i++) {
                g[i] += gk[i];
            }
        }
        for (int i = 0; i < g.length; i++) { // frozen parameters neither move nor count in the clipping norm
            g[i] = trainable[i] ? g[i] / norm : 0.0;
        }
        gradientNorm = Adam.clipGlobalNorm(g, c.clipNorm());
        model.parameters(p);
        adam.step(p, g, lr);
        model.setParameters(p);
        return loss;
    }

    /** The global norm of the last step's normalised gradient before clipping (trainable parameters only). */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** Mean loss per term over windows [from, to), forward only. */
    public double loss(Windows data, int from, int to) {
        int n = to - from;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = from + i;
        }
        int chunks = (n + Trainer.CHUNK - 1) / Trainer.CHUNK;
        if (losses.length < chunks) {
            losses = new double[chunks];
        }
        run(chunks, k -> {
            int lo = k * Trainer.CHUNK;
            losses[k] = batcher.loss(contexts.get(), data, idx, lo, Math.min(Trainer.CHUNK, n - lo), lossFn);
        });
        double s = 0;
        for (int k = 0; k < chunks; k++) {
            s += losses[k];
        }
        return s / (n * lossFn.termsPerWindow(steps));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private interface Task {
        void run(int k);
    }

    private void run(int n, Task task) {
        int workers = Math.min(c.threads(), n);
        List<Future<?>> fs = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int lo = (int) ((long) n * w / workers);
            int hi = (int) ((long) n * (w + 1) / workers);
            fs.add(pool.submit(() -> {
                for (int k = lo; k < hi; k++) {
                    task.run(k);
                }
            }));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainException("training interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new TrainException("training failed: " + e.getCause(), e.getCause());
        }
    }
}
