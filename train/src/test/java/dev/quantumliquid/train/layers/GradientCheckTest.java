package dev.quantumliquid.train.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.liquid.NcpsSpec.Mapping;
import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.engine.liquid.WiringShape;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.train.grad.Tape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer kind and option: (1) the trainable layer's forward equals the engine's float64 reference on the
 * same weights within 1e-12; (2) its reverse-mode gradient equals central finite differences.
 */
public class GradientCheckTest {
    private static final int STEPS = 4;

    public record Case(String label, int inputs, Function<SplittableRandom, List<TrainableLayer>> layers) {
        @Override
        public String toString() {
            return label;
        }
    }

    public static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("dense tanh + dense none", 3, r -> List.of(TrainableDense.create("a", 3, 4, Activation.TANH, r),
                TrainableDense.create("b", 4, 2, Activation.NONE, r))));
        c.add(new Case("dense lecun_tanh + sigmoid", 2, r -> List.of(TrainableDense.create("a", 2, 3, Activation.LECUN_TANH, r),
                TrainableDense.create("b", 3, 2, Activation.SIGMOID, r))));
        c.add(new Case("scale + dense", 2, r -> List.of(new TrainableScale("s", new double[] {0.5, 2.0}, new double[] {0.1, -0.3}),
                TrainableDense.create("d", 2, 1, Activation.NONE, r))));
        c.add(new Case("cfc default lecun_tanh", 2, r -> List.of(cfc(r, 2, 3, "default", Activation.LECUN_TANH, 4, 1, false, 0))));
        c.add(new Case("cfc default tanh 2 backbone layers", 2, r -> List.of(cfc(r, 2, 3, "default", Activation.TANH, 3, 2, false, 0))));
        c.add(new Case("cfc no_gate silu", 2, r -> List.of(cfc(r, 2, 3, "no_gate", Activation.SILU, 4, 1, false, 0))));
        c.add(new Case("cfc default gelu", 1, r -> List.of(cfc(r, 1, 2, "default", Activation.GELU, 3, 1, false, 0))));
        c.add(new Case("cfc pure no backbone", 2, r -> List.of(cfc(r, 2, 3, "pure", Activation.LECUN_TANH, 0, 0, false, 0))));
        c.add(new Case("cfc pure backbone", 2, r -> List.of(cfc(r, 2, 3, "pure", Activation.TANH, 3, 1, false, 0))));
        c.add(new Case("cfc mixed memory + proj", 2, r -> List.of(cfc(r, 2, 3, "default", Activation.LECUN_TANH, 3, 1, true, 2))));
        c.add(new Case("ltc affine softplus full", 2, r -> List.of(ltc(r, 2, 3, 3, "affine", "affine", 6, 1e-8, true, false, false))));
        c.add(new Case("ltc masked linear/none no constraints", 2, r -> List.of(ltc(r, 2, 4, 4, "linear", "none", 3, 1e-3, false, true, false))));
        c.add(new Case("ltc none/affine masked softplus", 3, r -> List.of(ltc(r, 3, 4, 4, "none", "affine", 2, 1e-8, true, true, false))));
        c.add(new Case("ltc mixed memory + dense head", 2, r -> List.of(ltc(r, 2, 3, 3, "affine", "affine", 2, 1e-8, true, true, true),
                TrainableDense.create("head", 3, 1, Activation.NONE, r))));
        c.add(new Case("pqc 1 qubit", 2, r -> List.of(TrainablePqc.create("q", 2, 1, 2, 0.0, r))));
        c.add(new Case("pqc 2 qubits", 2, r -> List.of(TrainablePqc.create("q", 2, 2, 2, 0.0, r))));
        c.add(new Case("pqc 3 qubits + cfc", 2, r -> List.of(TrainablePqc.create("q", 2, 3, 1, 0.0, r),
                cfc(r, 3, 2, "default", Activation.LECUN_TANH, 3, 1, false, 0))));
        c.add(new Case("pqc 3 qubits dephasing 0.1", 2, r -> List.of(TrainablePqc.create("q", 2, 3, 2, 0.1, r))));
        c.add(new Case("pqc 2 qubits dephasing 0.3 + ltc", 2, r -> List.of(TrainablePqc.create("q", 2, 2, 1, 0.3, r),
                ltc(r, 2, 3, 3, "affine", "affine", 3, 1e-8, true, false, false))));
        c.add(new Case("wired cfc autoncp + dense head", 2, r -> List.of(TrainableWiredCfc.create("rnn", 2, "default",
                dev.quantumliquid.train.wiring.AutoNcpWiring.build(7, 2, 0.5, 2, 22222), r),
                TrainableDense.create("head", 2, 1, Activation.NONE, r))));
        c.add(new Case("wired cfc ncp no_gate", 2, r -> List.of(TrainableWiredCfc.create("rnn", 2, "no_gate",
                dev.quantumliquid.train.wiring.NcpWiring.build(new dev.quantumliquid.train.wiring.NcpWiring.Params(3, 2, 2, 2, 1, 1, 1), 2, 22222), r))));
        c.add(new Case("wired cfc random", 2, r -> List.of(TrainableWiredCfc.create("rnn", 2, "default",
                dev.quantumliquid.train.wiring.RandomWiring.build(4, 4, 0.5, 2, 1111), r))));
        List<Arguments> out = new ArrayList<>();
        for (Case k : c) {
            for (long seed : new long[] {1, 2, 3}) {
                out.add(Arguments.of(k, seed));
            }
        }
        return out.stream();
    }

    static TrainableCfc cfc(SplittableRandom r, int in, int units, String mode, Activation a, int bbUnits, int bbLayers, boolean mixed, int proj) {
        return TrainableCfc.create("rnn", new TrainableCfc.Config(in, units, mode, a, bbUnits, bbLayers, 0.0, mixed, proj), r);
    }

    static TrainableLtc ltc(SplittableRandom r, int in, int n, int motors, String im, String om, int unfolds, double eps,
            boolean implicit, boolean sparse, boolean mixed) {
        double[] adj = new double[n * n];
        double[] sadj = new double[in * n];
        for (double[] a : new double[][] {adj, sadj}) {
            for (int i = 0; i < a.length; i++) {
                double u = r.nextDouble();
                a[i] = sparse && u < 0.3 ? 0 : u < 0.6 ? -1 : 1;
            }
        }
        return TrainableLtc.create("ltc", NcpsSpec.ltc(in, new WiringShape(n, motors, new int[] {n}), true, Mapping.of(im),
                Mapping.of(om), unfolds, eps, implicit, mixed), null, adj, sadj, r);
    }

    public static TrainableModel model(Case c, SplittableRandom r) {
        List<TrainableLayer> ls = c.layers().apply(r);
        int out = ls.get(ls.size() - 1).outputSize();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < out; i++) {
            names.add("y" + i);
        }
        TrainableModel m = new TrainableModel(new TrainableModel.Info("t", "", c.inputs(), names, 1.0, "cortex-m4f"), ls);
        // Move every parameter off its init (e.g. zero biases, w_tau = 0 where |.| has a kink).
        double[] p = m.parameters();
        boolean[] tr = m.trainableMask();
        for (int i = 0; i < p.length; i++) {
            if (tr[i]) {
                p[i] += 0.1 * (r.nextDouble() - 0.5);
            }
        }
        m.setParameters(p);
        return m;
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void forwardMatchesEngineReferenceAndGradientMatchesFiniteDifferences(Case c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TrainableModel m = model(c, r);
        float[][][] xf = new float[1][STEPS][c.inputs()];
        float[][] dtf = new float[1][STEPS];
        double[][] x = new double[STEPS][c.inputs()];
        double[] dt = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            for (int f = 0; f < c.inputs(); f++) {
                xf[0][k][f] = (float) (2 * r.nextDouble() - 1);
                x[k][f] = xf[0][k][f];
            }
            dtf[0][k] = (float) (0.2 + 1.5 * r.nextDouble());
            dt[k] = dtf[0][k];
        }
        Tape t = new Tape();
        double[][] mine = m.predict(t, x, dt);
        BatchResult ref = m.toModel().predictReference(BatchInput.of(xf).timespans(dtf));
        double[][][] want = ref.output();
        for (int k = 0; k < STEPS; k++) {
            for (int j = 0; j < mine[k].length; j++) {
                assertThat(Math.abs(mine[k][j] - want[0][k][j])).as("step %d out %d", k, j).isLessThan(1e-12);
            }
        }
        int outs = mine[0].length;
        double[][] target = new double[STEPS][outs];
        double[] w = new double[outs];
        for (int j = 0; j < outs; j++) {
            w[j] = 0.5 + r.nextDouble();
            for (int k = 0; k < STEPS; k++) {
                target[k][j] = r.nextDouble() - 0.5;
            }
        }
        double[] p = m.parameters();
        double[] g = new double[p.length];
        m.lossAndGradient(t, x, dt, target, w, 1, g);
        double h = 1e-6;
        double[] scratch = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            m.setParameters(p);
            double up = m.lossAndGradient(t, x, dt, target, w, 1, scratch);
            p[i] = keep - h;
            m.setParameters(p);
            double down = m.lossAndGradient(t, x, dt, target, w, 1, scratch);
            p[i] = keep;
            double fd = (up - down) / (2 * h);
            double rel = Math.abs(g[i] - fd) / Math.max(Math.max(Math.abs(g[i]), Math.abs(fd)), 1e-3);
            assertThat(rel).as("parameter %d: gradient %s, finite difference %s", i, g[i], fd).isLessThan(1e-6);
        }
        m.setParameters(p);
    }
}
