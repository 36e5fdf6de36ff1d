package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.kernel.Dropout;
import dev.quantumliquid.train.batch.ModelBatch;
import dev.quantumliquid.train.batch.Mse;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.kernel.Dropout;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.optim.Adam;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * CfC backbone dropout in training: dropout 0 trains the bits the trainer gave before dropout existed;
 * dropout above 0 is bit-reproducible across thread counts and seeds its masks from the run's seed;
 * evaluation passes apply no dropout; the gradient of a training pass matches finite differences of the
 * loss under the same (fixed) masks; the scalar and vector primitives give the same bits.
 */
class BackboneDropoutTest {
    private static final int FEATURES = 3;
    private static final int STEPS = 6;
    private static final double[] W = {1.0, 0.5};

    private static TrainableModel model(double dropout) {
        SplittableRandom r = new SplittableRandom(5);
        return new TrainableModel(new TrainableModel.Info("t", "", FEATURES, List.of("a", "b"), 1.0, "cortex-m4f"), List.of(
                TrainableCfc.create("rnn", new TrainableCfc.Config(FEATURES, 5, "default", Activation.LECUN_TANH, 7, 2, dropout, false, 0), r),
                TrainableDense.create("head", 5, 2, Activation.NONE, r)));
    }

    private static Windows data(int windows) {
        return BatchStepperTest.data(windows, STEPS, true);
    }

    /** Two epochs of optimiser steps on batches of three chunks (the last one short); the trained parameters. */
    private static double[] train(double dropout, long seed, int threads) {
        TrainableModel m = model(dropout);
        int batch = 2 * Trainer.CHUNK + 5;
        Windows d = data(2 * batch + 9);
        Trainer.Config c = new Trainer.Config(2, batch, 0.01, 0.0, 1.0, seed, threads, 0.2, 0, 0);
        int[] order = new int[d.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = (7 * i) % order.length;
        }
        Adam adam = new Adam(m.parameterCount(), m.trainableMask(), 0.0);
        long step = 0;
        try (BatchStepper s = new BatchStepper(m, c, W, STEPS)) {
            for (int e = 0; e < 2; e++) {
                for (int from = 0; from < order.length; from += batch) {
                    s.step(d, order, from, Math.min(batch, order.length - from), adam, 0.01, step++);
                }
            }
        }
        return m.parameters();
    }

    private static String sha256(double[] p) {
        ByteBuffer b = ByteBuffer.allocate(8 * p.length);
        for (double v : p) {
            b.putLong(Double.doubleToRawLongBits(v));
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dropoutZeroTrainsTheBitsOfTheTrainerWithoutDropout() {
        // The digest of these weights as the trainer without any dropout code computed them.
        assertThat(sha256(train(0.0, 1, 1))).isEqualTo(DROPOUT_ZERO_SHA256);
    }

    // Computed by this test's train(0.0, 1, 1) on the trainer before dropout existed (1 and 2 threads agreed).
    private static final String DROPOUT_ZERO_SHA256 = "626332c00ddf4eaf39e0b03caf4c591dbdee45edd363f30893e914eb020abace";

    @Test
    void dropoutIsReproducibleAcrossThreadCountsAndFollowsTheSeed() {
        double[] one = train(0.3, 1, 1);
        assertThat(train(0.3, 1, 2)).containsExactly(one);
        assertThat(train(0.3, 1, 3)).containsExactly(one);
        assertThat(one).as("dropout changes training").isNotEqualTo(train(0.0, 1, 1));
        assertThat(train(0.3, 2, 1)).as("another seed, other masks").isNotEqualTo(one);
    }

    private static int[] all(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @Test
    void evaluationAppliesNoDropout() {
        TrainableModel with = model(0.5);
        TrainableModel without = model(0.0);
        without.setParameters(with.parameters());
        Windows d = data(Trainer.CHUNK);
        int[] idx = all(Trainer.CHUNK);
        ModelBatch mb = new ModelBatch(with);
        ModelBatch.Context ctx = mb.context(Trainer.CHUNK, STEPS);
        double eval = mb.loss(ctx, d, idx, 0, idx.length, W, 0);
        ModelBatch plain = new ModelBatch(without);
        assertThat(eval).isEqualTo(plain.loss(plain.context(Trainer.CHUNK, STEPS), d, idx, 0, idx.length, W, 0));
        double trainLoss = mb.lossAndGradient(ctx, d, idx, 0, idx.length, new Mse(W, 0), new double[with.parameterCount()], 42L);
        assertThat(trainLoss).as("a training pass drops units").isNotEqualTo(eval);
        assertThat(mb.loss(ctx, d, idx, 0, idx.length, W, 0)).as("evaluation after a training pass").isEqualTo(eval);
    }

    @Test
    void gradientMatchesFiniteDifferencesUnderTheSameMasksAndTheTwinsAgree() {
        TrainableModel m = model(0.4);
        Windows d = data(9);
        int[] idx = all(9);
        long key = Dropout.key(7, 3, 1);
        ModelBatch vec = new ModelBatch(m, ColumnKernels.VECTOR);
        ModelBatch sca = new ModelBatch(m, ColumnKernels.SCALAR);
        ModelBatch.Context vc = vec.context(9, STEPS);
        ModelBatch.Context sc = sca.context(9, STEPS);
        double[] g = new double[m.parameterCount()];
        double loss = vec.lossAndGradient(vc, d, idx, 0, 9, new Mse(W, 0), g, key);
        double[] sg = new double[m.parameterCount()];
        assertThat(sca.lossAndGradient(sc, d, idx, 0, 9, new Mse(W, 0), sg, key)).isEqualTo(loss);
        assertThat(sg).containsExactly(g);
        double[] p = m.parameters();
        double[] scratch = new double[p.length];
        double h = 1e-6;
        int checked = 0;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            m.setParameters(p);
            double up = vec.lossAndGradient(vc, d, idx, 0, 9, new Mse(W, 0), scratch, key);
            p[i] = keep - h;
            m.setParameters(p);
            double down = vec.lossAndGradient(vc, d, idx, 0, 9, new Mse(W, 0), scratch, key);
            p[i] = keep;
            double fd = (up - down) / (2 * h);
            double rel = Math.abs(g[i] - fd) / Math.max(Math.max(Math.abs(g[i]), Math.abs(fd)), 1e-3);
            assertThat(rel).as("parameter %d: gradient %s, finite difference %s", i, g[i], fd).isLessThan(1e-6);
            checked += g[i] != 0.0 ? 1 : 0;
        }
        m.setParameters(p);
        assertThat(checked).isGreaterThan(p.length / 2);
        double[] other = new double[p.length];
        vec.lossAndGradient(vc, d, idx, 0, 9, new Mse(W, 0), other, Dropout.key(7, 4, 1));
        assertThat(other).as("another key, other masks").isNotEqualTo(g);
    }

    @Test
    void aboutAFractionPOfUnitsIsDroppedAndTheRestScaled() {
        long key = Dropout.key(1, 0, 0);
        int dropped = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double f = Dropout.factor(key, i, 0.25);
            if (f == 0.0) {
                dropped++;
            } else {
                assertThat(f).isEqualTo(1.0 / 0.75);
            }
        }
        assertThat(dropped / (double) n).isBetween(0.24, 0.26);
        assertThat(Dropout.factor(key, 5, 0.0)).isEqualTo(1.0);
    }
}
