package dev.quantumliquid.bench;

import dev.quantumliquid.train.batch.ModelBatch;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableLayer;
import dev.quantumliquid.train.layers.TrainableLtc;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.optim.Adam;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of LTC(20, AutoNCP(28, 4)) as ncps builds it by default (ode_unfolds 6, affine
 * mappings, implicit constraints, epsilon 1e-8, AutoNCP's seed 22222), MSE on its 4 motor outputs:
 * ModelBatch.lossAndGradient over a batch of 64 windows x 32 steps cut into the trainer's chunks of 16
 * windows, the chunks split over 2 threads as Trainer does, then the gradient sum and an Adam step.
 * Sample-steps/s = batch * steps / (time per op). The warm-up is long because the first operations run
 * the Vector API code interpreted (seconds) until C2 has compiled it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LtcTrainBench {
    /** Trainer.CHUNK (package-private there): windows per gradient chunk. */
    private static final int CHUNK = 16;

    @Param("64")
    public int batch;

    @Param("32")
    public int steps;

    @Param("2")
    public int threads;

    /** AutoNCP sparsity_level: ncps's default 0.5 (qlnn train's default is 0.4, a denser wiring). */
    @Param("0.5")
    public double sparsity;

    private TrainableModel model;
    private ModelBatch mb;
    private ModelBatch.Context[] contexts; // one per worker
    private double[][] grads;              // one per chunk
    private double[] losses;
    private double[] g;
    private double[] weights;
    private int[] idx;
    private Windows data;
    private Adam adam;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setup() {
        int in = 20;
        Wiring wr = AutoNcpWiring.build(28, 4, sparsity, in, AutoNcpWiring.DEFAULT_SEED);
        SplittableRandom r = new SplittableRandom(1);
        TrainableLayer ltc = TrainableLtc.create("rnn", in, wr, true, false, r);
        List<String> outs = List.of("y0", "y1", "y2", "y3");
        model = new TrainableModel(new TrainableModel.Info("bench", "", in, outs, 1.0, "cortex-m4f"), List.of(ltc));
        double[][][] x = new double[batch][steps][in];
        double[][][] y = new double[batch][steps][outs.size()];
        double[][] dt = new double[batch][steps];
        for (int w = 0; w < batch; w++) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < in; f++) {
                    x[w][k][f] = r.nextGaussian();
                }
                for (int j = 0; j < outs.size(); j++) {
                    y[w][k][j] = 0.5 * r.nextGaussian();
                }
                dt[w][k] = 1.0;
            }
        }
        data = new Windows(x, dt, y);
        idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = i;
        }
        weights = new double[outs.size()];
        java.util.Arrays.fill(weights, 1.0);
        mb = new ModelBatch(model);
        contexts = new ModelBatch.Context[threads];
        for (int t = 0; t < threads; t++) {
            contexts[t] = mb.context(CHUNK, steps);
        }
        int chunks = (batch + CHUNK - 1) / CHUNK;
        grads = new double[chunks][model.parameterCount()];
        losses = new double[chunks];
        g = new double[model.parameterCount()];
        adam = new Adam(model.parameterCount(), model.trainableMask(), 0.0);
        pool = Executors.newFixedThreadPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public double trainStep() throws Exception {
        int chunks = grads.length;
        int workers = Math.min(threads, chunks);
        List<Future<?>> fs = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            int lo = chunks * w / workers;
            int hi = chunks * (w + 1) / workers;
            ModelBatch.Context ctx = contexts[w];
            fs.add(pool.submit(() -> {
                for (int k = lo; k < hi; k++) {
                    int from = k * CHUNK;
                    java.util.Arrays.fill(grads[k], 0.0);
                    losses[k] = mb.lossAndGradient(ctx, data, idx, from, Math.min(CHUNK, batch - from), weights, 0, grads[k]);
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        java.util.Arrays.fill(g, 0.0);
        double loss = 0;
        for (int k = 0; k < chunks; k++) {
            loss += losses[k];
            for (int i = 0; i < g.length; i++) {
                g[i] += grads[k][i];
            }
        }
        double norm = (double) batch * steps * weights.length;
        for (int i = 0; i < g.length; i++) {
            g[i] /= norm;
        }
        double[] p = model.parameters();
        adam.step(p, g, 1e-3);
        model.setParameters(p);
        return loss;
    }
}
