package dev.quantumliquid.train.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.layers.GradientCheckTest;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.layers.TrainableScale;
import dev.quantumliquid.train.layers.TrainableWiredCfc;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.RandomWiring;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched path training uses (every layer's {@link BatchKernel}: hand-written where a layer has
 * one, the tape otherwise) gives the same loss and gradient as the tape reference, sequence by
 * sequence, for every layer kind and option of the gradient checks, with per-sample, per-step time
 * spans and chunks of several sizes; and the kernels on the scalar twin of their primitives give the
 * vector twin's bits.
 */
class ModelBatchTest {
    static Stream<Arguments> cases() {
        return Stream.concat(GradientCheckTest.cases(), kernelCases());
    }

    /**
     * Sizes and options that reach the hand-written kernels' other paths: row counts that are not
     * multiples of the product tiles, projection without mixed memory, deeper backbones, the other
     * activations, a bigger wiring.
     */
    static Stream<Arguments> kernelCases() {
        List<GradientCheckTest.Case> c = new ArrayList<>();
        c.add(new GradientCheckTest.Case("cfc default 5 -> 7, backbone 9, proj 3", 5, r -> List.of(
                cfc(r, 5, 7, "default", Activation.LECUN_TANH, 9, 1, 3))));
        c.add(new GradientCheckTest.Case("cfc no_gate relu 3 backbone layers + dense sigmoid", 3, r -> List.of(
                cfc(r, 3, 6, "no_gate", Activation.RELU, 5, 3, 0), TrainableDense.create("head", 6, 2, Activation.SIGMOID, r))));
        c.add(new GradientCheckTest.Case("cfc pure sigmoid backbone + proj 2", 2, r -> List.of(
                cfc(r, 2, 5, "pure", Activation.SIGMOID, 6, 1, 2))));
        c.add(new GradientCheckTest.Case("cfc default tanh no backbone + dense relu + dense none", 4, r -> List.of(
                cfc(r, 4, 9, "default", Activation.TANH, 0, 0, 0), TrainableDense.create("a", 9, 5, Activation.RELU, r),
                TrainableDense.create("b", 5, 3, Activation.NONE, r))));
        c.add(new GradientCheckTest.Case("wired cfc autoncp(12, 3) over 5 + dense silu", 5, r -> List.of(
                TrainableWiredCfc.create("rnn", 5, "default", AutoNcpWiring.build(12, 3, 0.5, 5, 22222), r),
                TrainableDense.create("head", 3, 2, Activation.SILU, r))));
        c.add(new GradientCheckTest.Case("wired cfc no_gate random(9) over 3", 3, r -> List.of(
                TrainableWiredCfc.create("rnn", 3, "no_gate", RandomWiring.build(9, 9, 0.6, 3, 1111), r))));
        c.add(new GradientCheckTest.Case("cfc 3 -> 32, backbone 32 + dense 32 -> 2 (padded gradient rows)", 3, r -> List.of(
                cfc(r, 3, 32, "default", Activation.LECUN_TANH, 32, 1, 0), TrainableDense.create("head", 32, 2, Activation.NONE, r))));
        c.add(new GradientCheckTest.Case("scale + cfc + dense + scale (qlnn train's stack)", 2, r -> List.of(
                new TrainableScale("in", new double[] {0.5, 2.0}, new double[] {0.1, -0.3}), cfc(r, 2, 6, "default", Activation.LECUN_TANH, 8, 1, 0),
                TrainableDense.create("head", 6, 2, Activation.NONE, r), new TrainableScale("out", new double[] {3.0, 0.25}, new double[] {-1.0, 0.5}))));
        List<Arguments> out = new ArrayList<>();
        for (GradientCheckTest.Case k : c) {
            for (long seed : new long[] {1, 2}) {
                out.add(Arguments.of(k, seed));
            }
        }
        return out.stream();
    }

    private static TrainableCfc cfc(SplittableRandom r, int in, int units, String mode, Activation a, int bbUnits, int bbLayers, int proj) {
        return TrainableCfc.create("rnn", new TrainableCfc.Config(in, units, mode, a, bbUnits, bbLayers, 0.0, false, proj), r);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void batchedLossAndGradientEqualTheTapeSequenceBySequence(GradientCheckTest.Case c, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 7919);
        TrainableModel m = GradientCheckTest.model(c, r);
        int windows = 13;
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
        int[] idx = {3, 0, 6, 12, 2, 9, 5, 1, 11, 4, 8, 10, 7};

        Tape t = new Tape();
        double[] ref = new double[m.parameterCount()];
        double refLoss = 0;
        for (int w : idx) {
            refLoss += m.lossAndGradient(t, x[w], dt[w], y[w], weights, lossFrom, ref);
        }

        ModelBatch mb = new ModelBatch(m);
        ModelBatch scalar = new ModelBatch(m, ColumnKernels.SCALAR);
        for (int chunk : new int[] {1, 3, 7, 10, 13}) {
            ModelBatch.Context ctx = mb.context(chunk, steps);
            double[] g = new double[m.parameterCount()];
            double loss = 0;
            double fwd = 0;
            for (int from = 0; from < windows; from += chunk) {
                int n = Math.min(chunk, windows - from);
                loss += mb.lossAndGradient(ctx, data, idx, from, n, weights, lossFrom, g);
                fwd += mb.loss(ctx, data, idx, from, n, weights, lossFrom);
            }
            ModelBatch.Context sctx = scalar.context(chunk, steps);
            double[] sg = new double[m.parameterCount()];
            double sloss = 0;
            for (int from = 0; from < windows; from += chunk) {
                sloss += scalar.lossAndGradient(sctx, data, idx, from, Math.min(chunk, windows - from), weights, lossFrom, sg);
            }
            assertThat(sloss).as("scalar twin's loss, chunk %d", chunk).isEqualTo(loss);
            assertThat(sg).as("scalar twin's gradient, chunk %d", chunk).containsExactly(g);
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
