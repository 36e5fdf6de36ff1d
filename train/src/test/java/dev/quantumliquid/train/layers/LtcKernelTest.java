package dev.quantumliquid.train.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.liquid.NcpsSpec.Mapping;
import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.engine.liquid.WiringShape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.batch.ModelBatch;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.LtcLoops;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.Wiring;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LTC's hand-written batched kernel, both twins of its hot loops (scalar reference and vector),
 * against the tape run sequence by sequence ({@link TapeKernel}): outputs, dL/dx and dL/dparams for a
 * random output gradient, on the sizes training uses (20 inputs, AutoNCP(28, 4) with its masks) and on
 * every option: input/output mappings, implicit constraints on and off (and w, cm, gleak above the
 * softplus threshold), ode_unfolds, epsilon, mixed memory, per-sample time spans, synapses whose sigmoid
 * saturates, chunk widths that are not a multiple of the vector lanes, one scratch reused across widths,
 * the synapse sigmoids kept from the forward or recomputed in the backward.
 */
class LtcKernelTest {
    record Case(String label, int inputs, int units, int motors, boolean autoNcp, String in, String out, int unfolds, double eps,
            boolean implicit, boolean mixed, boolean unitDt) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("ltc 20 autoncp(28,4) ncps defaults dt 1", 20, 28, 4, true, "affine", "affine", 6, 1e-8, true, false, true));
        c.add(new Case("ltc 20 autoncp(28,4) ncps defaults varying dt", 20, 28, 4, true, "affine", "affine", 6, 1e-8, true, false, false));
        c.add(new Case("ltc 20 autoncp(28,4) mixed memory", 20, 28, 4, true, "affine", "affine", 3, 1e-8, true, true, false));
        c.add(new Case("ltc 20 autoncp(28,4) linear/none no constraints", 20, 28, 4, true, "linear", "none", 1, 1e-3, false, false,
                false));
        for (String im : new String[] {"affine", "linear", "none"}) {
            for (String om : new String[] {"affine", "linear", "none"}) {
                for (boolean implicit : new boolean[] {true, false}) {
                    c.add(new Case("ltc 3 dense 5 " + im + "/" + om + (implicit ? " softplus" : " raw"), 3, 5, 2, false, im, om, 2, 1e-8,
                            implicit, false, false));
                }
            }
        }
        c.add(new Case("ltc 3 dense 5 mixed memory none/none raw", 3, 5, 5, false, "none", "none", 4, 1e-5, false, true, true));
        List<Arguments> out = new ArrayList<>();
        for (Case k : c) {
            for (String loops : new String[] {"scalar", "vector"}) {
                for (boolean keep : new boolean[] {true, false}) {
                    out.add(Arguments.of(k, loops, keep));
                }
            }
        }
        return out.stream();
    }

    private static TrainableLtc layer(Case c, SplittableRandom r) {
        double[] adj;
        double[] sadj;
        if (c.autoNcp()) {
            Wiring w = AutoNcpWiring.build(c.units(), c.motors(), AutoNcpWiring.DEFAULT_SPARSITY, c.inputs(), AutoNcpWiring.DEFAULT_SEED);
            adj = w.adjacencyFlat();
            sadj = w.sensoryAdjacencyFlat();
        } else {
            adj = new double[c.units() * c.units()];
            sadj = new double[c.inputs() * c.units()];
            for (double[] a : new double[][] {adj, sadj}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = r.nextDouble() < 0.5 ? -1 : 1;
                }
            }
        }
        TrainableLtc l = TrainableLtc.create("ltc", NcpsSpec.ltc(c.inputs(), new WiringShape(c.units(), c.motors(), new int[] {c.units()}), true,
                Mapping.of(c.in()), Mapping.of(c.out()), c.unfolds(), c.eps(), c.implicit(), c.mixed()), null, adj, sadj, r);
        double[] p = l.params();
        for (int i = 0; i < p.length; i++) {
            p[i] += 0.1 * (r.nextDouble() - 0.5); // off the init (zero biases, unit mapping weights)
        }
        if (c.implicit()) {
            // Above torch's softplus threshold (20) the constraint is the identity: a w, a cm, a gleak there.
            p[offset(l, "rnn_cell.w") + first(adj)] = 21.0 + r.nextDouble();
            p[offset(l, "rnn_cell.cm")] = 20.5;
            p[offset(l, "rnn_cell.gleak") + 1] = 22.0;
        }
        // Saturated synapses: sigma (v - mu) far beyond the exponential's range.
        p[offset(l, "rnn_cell.sigma") + first(adj)] = 2000.0;
        p[offset(l, "rnn_cell.sensory_sigma") + first(sadj)] = -3000.0;
        return l;
    }

    private static int first(double[] mask) {
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0.0) {
                return i;
            }
        }
        throw new IllegalStateException("empty mask");
    }

    private static int offset(TrainableLtc l, String name) {
        int off = 0;
        for (dev.quantumliquid.engine.format.Tensor t : l.tensors()) {
            if (t.name().equals(name)) {
                return off;
            }
            if (!t.name().contains("sparsity_mask")) {
                off += t.size();
            }
        }
        throw new IllegalStateException("no " + name);
    }

    @ParameterizedTest(name = "{0}, {1} loops, sigmoids kept {2}")
    @MethodSource("cases")
    void kernelMatchesTheTapeSequenceBySequence(Case c, String loops, boolean keep) {
        SplittableRandom r = new SplittableRandom(c.label().hashCode() + 17L * loops.length());
        TrainableLtc l = layer(c, r);
        double[] p = l.params();
        BatchKernel mine = l.kernel(loops.equals("scalar") ? LtcLoops.SCALAR : LtcLoops.VECTOR, keep ? LtcKernel.ACT_BUDGET : 0);
        BatchKernel ref = new TapeKernel(l);
        int steps = 4;
        int cap = 9;
        BatchKernel.Scratch ms = mine.scratch(cap, steps);
        for (int batch : new int[] {9, 4, 1, 6}) {
            BatchKernel.Scratch rs = ref.scratch(batch, steps);
            int in = c.inputs();
            int out = c.motors();
            double[] x = new double[steps * batch * in];
            double[] dt = new double[steps * batch];
            double[] dy = new double[steps * batch * out];
            for (int i = 0; i < x.length; i++) {
                x[i] = 2 * r.nextDouble() - 1;
            }
            for (int i = 0; i < dt.length; i++) {
                dt[i] = c.unitDt() ? 1.0 : 0.25 + 1.5 * r.nextDouble();
            }
            for (int i = 0; i < dy.length; i++) {
                dy[i] = r.nextDouble() - 0.5;
            }
            double[] yRef = new double[dy.length];
            double[] yMine = new double[dy.length];
            ref.forward(p, rs, batch, steps, x, dt, yRef);
            mine.forward(p, ms, batch, steps, x, dt, yMine);
            for (int i = 0; i < yRef.length; i++) {
                assertThat(yMine[i]).as("y[%d], batch %d", i, batch).isCloseTo(yRef[i], within(1e-12 * (1 + Math.abs(yRef[i]))));
            }
            double[] gRef = new double[p.length];
            double[] gMine = new double[p.length];
            double[] dxRef = new double[x.length];
            double[] dxMine = new double[x.length];
            java.util.Arrays.fill(dxMine, Double.NaN); // must be overwritten
            ref.backward(p, rs, batch, steps, dy.clone(), dxRef, gRef);
            mine.backward(p, ms, batch, steps, dy.clone(), dxMine, gMine);
            double scale = 0;
            for (double v : gRef) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (double v : dxRef) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < gRef.length; i++) {
                assertThat(gMine[i]).as("d/d param %d, batch %d", i, batch).isCloseTo(gRef[i], within(1e-10 * (1 + scale)));
            }
            for (int i = 0; i < dxRef.length; i++) {
                assertThat(dxMine[i]).as("d/dx[%d], batch %d", i, batch).isCloseTo(dxRef[i], within(1e-10 * (1 + scale)));
            }
        }
    }

    /**
     * The model qlnn train builds around an LTC (input scale, AutoNCP(28, 4) over 20 inputs, dense head)
     * through ModelBatch in the trainer's 16-window chunks (the last one partial), against the tape's
     * per-window loss and gradient.
     */
    @Test
    void trainingChunksThroughModelBatchMatchTheTape() {
        SplittableRandom r = new SplittableRandom(5);
        int in = 20;
        Case c = new Case("model", in, 28, 4, true, "affine", "affine", 6, 1e-8, true, false, false);
        double[] scale = new double[in];
        double[] shift = new double[in];
        for (int i = 0; i < in; i++) {
            scale[i] = 0.5 + r.nextDouble();
            shift[i] = r.nextDouble() - 0.5;
        }
        TrainableModel m = new TrainableModel(new TrainableModel.Info("t", "", in, List.of("a", "b"), 1.0, "cortex-m4f"),
                List.of(new TrainableScale("s", scale, shift), layer(c, r), TrainableDense.create("head", 4, 2, Activation.NONE, r)));
        int windows = 21;
        int steps = 6;
        double[][][] x = new double[windows][steps][in];
        double[][][] y = new double[windows][steps][2];
        double[][] dt = new double[windows][steps];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < steps; k++) {
                for (int f = 0; f < in; f++) {
                    x[w][k][f] = 2 * r.nextDouble() - 1;
                }
                y[w][k][0] = r.nextDouble() - 0.5;
                y[w][k][1] = r.nextDouble() - 0.5;
                dt[w][k] = 0.25 + 1.5 * r.nextDouble();
            }
        }
        double[] weights = {1.0, 0.5};
        int[] idx = new int[windows];
        for (int w = 0; w < windows; w++) {
            idx[w] = (w * 8) % windows;
        }
        Tape t = new Tape();
        double[] ref = new double[m.parameterCount()];
        double refLoss = 0;
        for (int w : idx) {
            refLoss += m.lossAndGradient(t, x[w], dt[w], y[w], weights, 1, ref);
        }
        ModelBatch mb = new ModelBatch(m);
        ModelBatch.Context ctx = mb.context(16, steps);
        double[] g = new double[m.parameterCount()];
        double loss = 0;
        for (int from = 0; from < windows; from += 16) {
            loss += mb.lossAndGradient(ctx, new Windows(x, dt, y), idx, from, Math.min(16, windows - from), weights, 1, g);
        }
        assertThat(loss).isCloseTo(refLoss, within(1e-11 * (1 + Math.abs(refLoss))));
        double sc = 0;
        for (double v : ref) {
            sc = Math.max(sc, Math.abs(v));
        }
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).as("d loss / d parameter %d", i).isCloseTo(ref[i], within(1e-10 * (1 + sc)));
        }
    }
}
