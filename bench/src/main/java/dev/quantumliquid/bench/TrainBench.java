package dev.quantumliquid.bench;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.run.BatchStepper;
import dev.quantumliquid.train.run.Trainer;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableLayer;
import dev.quantumliquid.train.layers.TrainableLtc;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.layers.TrainableWiredCfc;
import dev.quantumliquid.train.optim.Adam;
import dev.quantumliquid.train.run.BatchStepper;
import dev.quantumliquid.train.run.Trainer;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * One training step as {@code qlnn train} takes it per batch ({@link BatchStepper#step}: the batch cut
 * into the trainer's fixed chunks on the worker threads, forward and backward through time, loss and
 * gradient summed in order, normalised, clipped, Adam), on a batch of 64 windows x 32 steps (2,048
 * sample-steps; sample-steps/s = 2048 / time per op), MSE on the recurrent layer's own outputs against
 * random targets, as the ncps 1.0.1 / PyTorch reference training figures (docs/BENCHMARKS.md) are taken (no head):
 * <ul>
 *   <li>{@code cfc_20_50}: CfC(20, 50) as ncps builds it (mode default, backbone 1 x 128, lecun_tanh);</li>
 *   <li>{@code cfc_20_autoncp_28_4}: CfC(20, AutoNCP(28, 4)) (WiredCfCCell; sparsity 0.5, seed 22222);</li>
 *   <li>{@code ltc_20_autoncp_28_4}: LTC(20, AutoNCP(28, 4)) (6 unfolds, affine mappings, implicit constraints).</li>
 * </ul>
 * The layers are built with the same factories {@code TrainJob.build} uses for {@code --arch cfc|ltc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xss4m"})
public class TrainBench {
    static final int FEATURES = 20;

    @Param({"cfc_20_50", "cfc_20_autoncp_28_4", "ltc_20_autoncp_28_4"})
    public String arch;

    @Param("64")
    public int batch;

    @Param("32")
    public int steps;

    /** Worker threads (qlnn train's default is all cores: 2 here). */
    @Param("2")
    public int threads;

    private BatchStepper stepper;
    private Adam adam;
    private Windows data;
    private int[] order;

    static TrainableLayer layer(String arch, SplittableRandom r) {
        return switch (arch) {
            case "cfc_20_50" -> TrainableCfc.create("rnn", new TrainableCfc.Config(FEATURES, 50, "default", Activation.LECUN_TANH, 128, 1, 0.0,
                    false, 0), r);
            case "cfc_20_autoncp_28_4" -> TrainableWiredCfc.create("rnn", FEATURES, "default",
                    AutoNcpWiring.build(28, 4, 0.5, FEATURES, AutoNcpWiring.DEFAULT_SEED), r);
            case "ltc_20_autoncp_28_4" -> {
                Wiring w = AutoNcpWiring.build(28, 4, 0.5, FEATURES, AutoNcpWiring.DEFAULT_SEED);
                yield TrainableLtc.create("rnn", FEATURES, w, true, false, r);
            }
            default -> throw new IllegalArgumentException("arch must be cfc_20_50, cfc_20_autoncp_28_4 or ltc_20_autoncp_28_4, got " + arch);
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(BenchModels.SEED);
        TrainableLayer l = layer(arch, r);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < l.outputSize(); i++) {
            names.add("y" + i);
        }
        TrainableModel model = new TrainableModel(new TrainableModel.Info(arch, "", FEATURES, names, 1.0, "cortex-m4f"), List.of(l));
        double[][][] x = new double[batch][steps][FEATURES];
        double[][][] y = new double[batch][steps][l.outputSize()];
        double[][] dt = new double[batch][steps];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < FEATURES; f++) {
                    x[b][k][f] = r.nextGaussian();
                }
                for (int j = 0; j < l.outputSize(); j++) {
                    y[b][k][j] = r.nextGaussian();
                }
                dt[b][k] = 1.0;
            }
        }
        data = new Windows(x, dt, y);
        order = new int[batch];
        for (int i = 0; i < batch; i++) {
            order[i] = i;
        }
        double[] weights = new double[l.outputSize()];
        java.util.Arrays.fill(weights, 1.0);
        Trainer.Config c = new Trainer.Config(1, batch, 0.005, 0.0, 1.0, 1, threads, 0.2, 0, 0);
        stepper = new BatchStepper(model, c, weights, steps);
        adam = new Adam(model.parameterCount(), model.trainableMask(), 0.0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stepper.close();
    }

    /** One optimiser step on the batch; returns its summed loss. */
    @Benchmark
    public double step() {
        return stepper.step(data, order, 0, batch, adam, 0.005);
    }
}
