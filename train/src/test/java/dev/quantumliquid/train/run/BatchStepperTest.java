package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.batch.ModelBatch;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableLayer;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.layers.TrainableScale;
import dev.quantumliquid.train.layers.TrainableWiredCfc;
import dev.quantumliquid.train.optim.Adam;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The batched training path is bit-reproducible: optimiser steps on batches of several chunks give the
 * same weights to the bit whatever the thread count, and a chunk's gradient has the same bits before
 * and after the JIT compiled the kernels (the vector code uses no operation whose intrinsic and Java
 * fallback differ).
 */
class BatchStepperTest {
    private static final int FEATURES = 3;
    private static final int STEPS = 7;

    private static TrainableModel model(Function<SplittableRandom, List<TrainableLayer>> layers) {
        List<TrainableLayer> ls = layers.apply(new SplittableRandom(11));
        int out = ls.get(ls.size() - 1).outputSize();
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < out; i++) {
            names.add("y" + i);
        }
        return new TrainableModel(new TrainableModel.Info("t", "", FEATURES, names, 1.0, "cortex-m4f"), ls);
    }

    private static final List<Function<SplittableRandom, List<TrainableLayer>>> MODELS = List.of(
            r -> List.of(new TrainableScale("in", new double[] {0.5, 2.0, 1.5}, new double[] {0.1, -0.3, 0.0}),
                    TrainableCfc.create("rnn", new TrainableCfc.Config(FEATURES, 9, "default", Activation.LECUN_TANH, 13, 1, 0.0, false, 0), r),
                    TrainableDense.create("head", 9, 2, Activation.NONE, r)),
            r -> List.of(TrainableWiredCfc.create("rnn", FEATURES, "default", AutoNcpWiring.build(10, 2, 0.5, FEATURES, 22222), r)));

    private static Windows data(int windows, boolean unitSpans) {
        return data(windows, STEPS, unitSpans);
    }

    /** Seeded Gaussian windows of 3 features and 2 targets; time spans 1 or drawn from [0.5, 1.5). */
    static Windows data(int windows, int steps, boolean unitSpans) {
        SplittableRandom r = new SplittableRandom(3);
        double[][][] x = new double[windows][steps][FEATURES];
        double[][][] y = new double[windows][steps][2];
        double[][] dt = new double[windows][steps];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < FEATURES; f++) {
                    x[w][k][f] = r.nextGaussian();
                }
                y[w][k][0] = r.nextGaussian();
                y[w][k][1] = r.nextGaussian();
                dt[w][k] = unitSpans ? 1.0 : 0.5 + r.nextDouble();
            }
        }
        return new Windows(x, dt, y);
    }

    private static double[] train(Function<SplittableRandom, List<TrainableLayer>> layers, int threads, Windows d) {
        TrainableModel m = model(layers);
        int batch = 2 * Trainer.CHUNK + 5; // three chunks, the last one short
        Trainer.Config c = new Trainer.Config(1, batch, 0.01, 0.0, 1.0, 1, threads, 0.2, 0, 0);
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (7 * i) % order.length;
        }
        Adam adam = new Adam(m.parameterCount(), m.trainableMask(), 0.0);
        try (BatchStepper s = new BatchStepper(m, c, new double[] {1.0, 0.5}, STEPS)) {
            for (int from = 0; from < order.length; from += batch) {
                s.step(d, order, from, Math.min(batch, order.length - from), adam, 0.01);
            }
        }
        return m.parameters();
    }

    @Test
    void sameWeightsToTheBitWhateverTheThreadCount() {
        for (boolean unit : new boolean[] {true, false}) {
            Windows d = data(2 * (2 * Trainer.CHUNK + 5) + 9, unit);
            for (var layers : MODELS) {
                double[] one = train(layers, 1, d);
                assertThat(train(layers, 2, d)).containsExactly(one);
                assertThat(train(layers, 3, d)).containsExactly(one);
            }
        }
    }

    @Test
    void aChunksGradientHasTheSameBitsBeforeAndAfterTheJitCompiledTheKernels() {
        for (boolean unit : new boolean[] {true, false}) {
            Windows d = data(Trainer.CHUNK, unit);
            int[] idx = new int[Trainer.CHUNK];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            for (var layers : MODELS) {
                TrainableModel m = model(layers);
                ModelBatch mb = new ModelBatch(m);
                ModelBatch.Context ctx = mb.context(Trainer.CHUNK, STEPS);
                double[] w = {1.0, 0.5};
                double[] first = new double[m.parameterCount()];
                double firstLoss = mb.lossAndGradient(ctx, d, idx, 0, idx.length, w, 0, first);
                double[] g = new double[m.parameterCount()];
                for (int rep = 0; rep < 400; rep++) { // enough for C2 to compile the kernels' loops
                    java.util.Arrays.fill(g, 0.0);
                    mb.lossAndGradient(ctx, d, idx, 0, idx.length, w, 0, g);
                }
                java.util.Arrays.fill(g, 0.0);
                double loss = mb.lossAndGradient(ctx, d, idx, 0, idx.length, w, 0, g);
                assertThat(loss).isEqualTo(firstLoss);
                assertThat(g).containsExactly(first);
            }
        }
    }

    @Test
    void frozenParametersNeitherMoveNorCountInTheClippingNorm() {
        Windows d = data(Trainer.CHUNK, false);
        int[] idx = new int[Trainer.CHUNK];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        TrainableModel m = model(MODELS.get(0)); // an input scale layer (frozen), a CfC, a dense head
        double[] w = {1.0, 0.5};
        double[] g = new double[m.parameterCount()];
        new ModelBatch(m).lossAndGradient(new ModelBatch(m).context(Trainer.CHUNK, STEPS), d, idx, 0, idx.length, w, 0, g);
        boolean[] trainable = m.trainableMask();
        double all = 0;
        double kept = 0;
        for (int i = 0; i < g.length; i++) {
            double x = g[i] / (Trainer.CHUNK * STEPS * 2.0);
            all += x * x;
            kept += trainable[i] ? x * x : 0.0;
        }
        assertThat(Math.sqrt(all)).as("the frozen scale layer has a gradient").isGreaterThan(Math.sqrt(kept) * (1 + 1e-9));
        double[] before = m.parameters();
        Trainer.Config c = new Trainer.Config(1, Trainer.CHUNK, 0.01, 0.0, 1e-3, 1, 1, 0.2, 0, 0);
        try (BatchStepper s = new BatchStepper(m, c, w, STEPS)) {
            s.step(d, idx, 0, idx.length, new Adam(m.parameterCount(), trainable, 0.0), 0.01);
            assertThat(s.gradientNorm()).isCloseTo(Math.sqrt(kept), org.assertj.core.data.Offset.offset(1e-12 * Math.sqrt(kept)));
        }
        double[] after = m.parameters();
        for (int i = 0; i < after.length; i++) {
            if (!trainable[i]) {
                assertThat(after[i]).isEqualTo(before[i]);
            }
        }
    }
}
