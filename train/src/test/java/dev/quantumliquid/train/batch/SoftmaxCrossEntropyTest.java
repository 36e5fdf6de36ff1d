package dev.quantumliquid.train.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.layers.TrainablePqc;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classification loss through the batched path: its value equals softmax cross-entropy computed
 * by hand from the forward outputs, and its gradient (seeded into every layer's kernel, backward
 * through time) equals central finite differences of the forward loss.
 */
class SoftmaxCrossEntropyTest {
    private static TrainableModel model(SplittableRandom r, int classes) {
        var layers = List.of(TrainablePqc.create("q", 2, 2, 1, 0.0, r),
                TrainableCfc.create("rnn", new TrainableCfc.Config(2, 3, "default", Activation.LECUN_TANH, 4, 1, 0.0, false, 0), r),
                TrainableDense.create("head", 3, classes, Activation.NONE, r));
        List<String> names = java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList();
        return new TrainableModel(new TrainableModel.Info("t", "", 2, names, 1.0, "cortex-m4f"), layers);
    }

    private static Windows data(SplittableRandom r, int windows, int steps, int classes) {
        double[][][] x = new double[windows][steps][2];
        double[][][] y = new double[windows][steps][1];
        double[][] dt = new double[windows][steps];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < steps; k++) {
                x[w][k][0] = 2 * r.nextDouble() - 1;
                x[w][k][1] = 2 * r.nextDouble() - 1;
                y[w][k][0] = r.nextInt(classes);
                dt[w][k] = 0.5 + r.nextDouble();
            }
        }
        return new Windows(x, dt, y);
    }

    @ParameterizedTest(name = "{0} classes")
    @ValueSource(ints = {2, 3})
    void gradientEqualsFiniteDifferences(int classes) {
        SplittableRandom r = new SplittableRandom(11 + classes);
        TrainableModel m = model(r, classes);
        int steps = 4;
        Windows data = data(r, 5, steps, classes);
        int[] idx = {4, 1, 3, 0, 2};
        Loss ce = new SoftmaxCrossEntropy(classes);
        ModelBatch mb = new ModelBatch(m);
        ModelBatch.Context ctx = mb.context(5, steps);
        double[] g = new double[m.parameterCount()];
        double loss = mb.lossAndGradient(ctx, data, idx, 0, 5, ce, g);
        assertThat(mb.loss(ctx, data, idx, 0, 5, ce)).isEqualTo(loss);
        double[] p = m.parameters();
        double h = 1e-6;
        int nonZero = 0;
        for (int i = 0; i < p.length; i++) {
            double[] q = p.clone();
            q[i] = p[i] + h;
            m.setParameters(q);
            double up = mb.loss(ctx, data, idx, 0, 5, ce);
            q[i] = p[i] - h;
            m.setParameters(q);
            double down = mb.loss(ctx, data, idx, 0, 5, ce);
            double fd = (up - down) / (2 * h);
            assertThat(g[i]).as("d loss / d parameter %d", i).isCloseTo(fd, within(1e-6 * (1 + Math.abs(fd))));
            nonZero += Math.abs(g[i]) > 1e-9 ? 1 : 0;
        }
        m.setParameters(p);
        assertThat(nonZero).as("parameters with a gradient").isGreaterThan(p.length / 2);
    }

    @Test
    void lossIsCrossEntropyOfTheLastStepOnly() {
        // Two windows of 2 steps, 3 classes; logits laid out [T][B][classes].
        double[] y = {
            9, 9, 9, /* step 0, window 0: ignored */ -9, 0, 9, /* step 0, window 1: ignored */
            1, 2, 3, /* step 1, window 0 */ 0, 0, 0, /* step 1, window 1 */
        };
        double[][][] target = {{{2}, {0}}, {{0}, {1}}};
        Windows data = new Windows(new double[2][2][1], new double[2][2], target);
        double[] dy = new double[y.length];
        double loss = new SoftmaxCrossEntropy(3).seed(y, 2, 2, data, new int[] {0, 1}, 0, dy);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertThat(loss).isCloseTo((lse - 1) + Math.log(3), within(1e-12)); // window 0: class 0; window 1: class 1 of uniform
        assertThat(java.util.Arrays.copyOfRange(dy, 0, 6)).containsOnly(0.0);
        assertThat(dy[6]).isCloseTo(Math.exp(1 - lse) - 1, within(1e-12));
        assertThat(dy[8]).isCloseTo(Math.exp(3 - lse), within(1e-12));
        assertThat(dy[10]).isCloseTo(1.0 / 3 - 1, within(1e-12));
    }
}
