package dev.quantumliquid.train.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.train.arch.GradientCheckTest;
import dev.quantumliquid.train.arch.TrainableModel;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.grad.Tape;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched path training uses (every layer's {@link BatchKernel}: hand-written where a layer has
 * one, the tape otherwise) gives the same loss and gradient as the tape reference, sequence by
 * sequence, for every layer kind and option of the gradient checks, with per-sample, per-step time
 * spans and chunks of several sizes.
 */
class ModelBatchTest {
    static Stream<Arguments> cases() {
        return GradientCheckTest.cases();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void batchedLossAndGradientEqualTheTapeSequenceBySequence(GradientCheckTest.Case c, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 7919);
        TrainableModel m = GradientCheckTest.model(c, r);
        int windows = 7;
        int steps = 5;
        int outs = m.info().outputNames().size();
        double[][][] x = new double[windows][steps][c.inputs()];
        double[][][] y = new double[windows][steps][outs];
        double[][] dt = new double[windows][steps];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < c.inputs(); f++) {
                    x[w][k][f] = 2 * r.nextDouble() - 1;
                }
                for (int j = 0; j < outs; j++) {
                    y[w][k][j] = r.nextDouble() - 0.5;
                }
                dt[w][k] = seed == 1 ? 1.0 : 0.25 + 1.5 * r.nextDouble();
            }
        }
        Windows data = new Windows(x, dt, y);
        double[] weights = new double[outs];
        for (int j = 0; j < outs; j++) {
            weights[j] = 0.5 + j;
        }
        int lossFrom = 1;
        int[] idx = {3, 0, 6, 2, 5, 1, 4};

        Tape t = new Tape();
        double[] ref = new double[m.parameterCount()];
        double refLoss = 0;
        for (int w : idx) {
            refLoss += m.lossAndGradient(t, x[w], dt[w], y[w], weights, lossFrom, ref);
        }

        ModelBatch mb = new ModelBatch(m);
        for (int chunk : new int[] {1, 3, 7}) {
            ModelBatch.Context ctx = mb.context(chunk, steps);
            double[] g = new double[m.parameterCount()];
            double loss = 0;
            double fwd = 0;
            for (int from = 0; from < windows; from += chunk) {
                int n = Math.min(chunk, windows - from);
                loss += mb.lossAndGradient(ctx, data, idx, from, n, weights, lossFrom, g);
                fwd += mb.loss(ctx, data, idx, from, n, weights, lossFrom);
            }
            assertThat(loss).as("loss, chunk %d", chunk).isCloseTo(refLoss, within(1e-11 * (1 + Math.abs(refLoss))));
            assertThat(fwd).as("forward-only loss, chunk %d", chunk).isCloseTo(refLoss, within(1e-11 * (1 + Math.abs(refLoss))));
            double scale = 0;
            for (double v : ref) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < g.length; i++) {
                assertThat(g[i]).as("d loss / d parameter %d, chunk %d", i, chunk).isCloseTo(ref[i], within(1e-10 * (1 + scale)));
            }
        }
    }
}
