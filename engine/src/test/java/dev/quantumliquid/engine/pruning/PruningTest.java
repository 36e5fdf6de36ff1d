package dev.quantumliquid.engine.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PruningTest {
    // 3 x 3 weights with distinct magnitudes; the smallest are at flat indices 4 (0.01), 0 (0.02), 8 (0.03), 2 (0.05).
    private static final double[] W = {0.02, 0.9, -0.05, 0.6, -0.01, 0.4, -0.8, 0.7, 0.03};

    /** scale "norm" [3] -> the given liquid layers (3 wide) -> dense "head" 3 -> 2. */
    private static Model model(Layer... liquid) {
        List<Layer> base = TestModels.denseScale().layers();
        List<Layer> layers = new ArrayList<>();
        layers.add(base.get(0));
        layers.addAll(List.of(liquid));
        layers.add(base.get(1));
        return new Model(TestModels.info("liquid", 3, 2, 10.0), layers);
    }

    private static FakeLiquidLayer liquid(Model m, int index) {
        return (FakeLiquidLayer) m.layers().get(index);
    }

    @Test
    void pruningReachesTheTargetAndReportsTheMeasuredDrift() {
        Model m = model(FakeLiquidLayer.dense("rnn", 3, W));
        Calibration calib = Calibration.generated(3);
        PruningResult r = Pruning.prune(m, 0.5, calib, Double.POSITIVE_INFINITY);

        // ceil(0.5 x 9) = 5 absent synapses needed.
        assertThat(r.removed()).isEqualTo(5);
        assertThat(r.sparsityBefore()).isZero();
        assertThat(r.sparsity()).isEqualTo(5.0 / 9);
        assertThat(r.model().synapses()).contains(new SynapseCount(9, 4));
        assertThat(r.model().info()).isSameAs(m.info());
        double[][][] a = m.predictReference(calib.batchInput()).output();
        double[][][] b = r.model().predictReference(calib.batchInput()).output();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int t = 0; t < a[i].length; t++) {
                for (int o = 0; o < a[i][t].length; o++) {
                    max = Math.max(max, Math.abs(a[i][t][o] - b[i][t][o]));
                }
            }
        }
        assertThat(r.drift()).isEqualTo(max).isPositive();
    }

    @Test
    void removedSynapsesAreTheSmallestMagnitudesAcrossLayers() {
        double[] w2 = {0.015, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.04};
        Model m = model(FakeLiquidLayer.dense("a", 3, W), FakeLiquidLayer.dense("b", 3, w2));
        // 18 synapses; target 1/3 removes 6: 0.01 (a4), 0.015 (b0), 0.02 (a0), 0.03 (a8), 0.04 (b8), 0.05 (a2).
        PruningResult r = Pruning.prune(m, 1.0 / 3, Calibration.generated(3), Double.POSITIVE_INFINITY);
        assertThat(r.removed()).isEqualTo(6);
        FakeLiquidLayer a = liquid(r.model(), 1);
        FakeLiquidLayer b = liquid(r.model(), 2);
        List<Integer> goneA = new ArrayList<>();
        List<Integer> goneB = new ArrayList<>();
        for (int k = 0; k < 9; k++) {
            if (!a.present(k / 3, k % 3)) {
                goneA.add(k);
            }
            if (!b.present(k / 3, k % 3)) {
                goneB.add(k);
            }
        }
        assertThat(goneA).containsExactly(0, 2, 4, 8);
        assertThat(goneB).containsExactly(0, 8);
    }

    @Test
    void pruningIsRefusedWhenTheDriftExceedsATinyTolerance() {
        double[] big = {5, 9, -7, 6, -4, 8, -8, 7, 3};
        Model m = model(FakeLiquidLayer.dense("rnn", 3, big));
        assertThatThrownBy(() -> Pruning.prune(m, 0.5, Calibration.generated(3), 1e-9))
                .isInstanceOf(EngineException.class)
                .hasMessageMatching("pruning refused: drift [0-9.E-]+ exceeds tolerance 1\\.0E-9 at sparsity 0\\.5555555555555556 "
                        + "\\(max \\|output difference\\| on generated: N\\(0,1\\), SplittableRandom seed 42, 4 x 32, 5 synapses removed\\)");
    }

    @Test
    void toleranceIsInclusive() {
        Model m = model(FakeLiquidLayer.dense("rnn", 3, W));
        Calibration c = Calibration.generated(3);
        double drift = Pruning.prune(m, 0.5, c, Double.POSITIVE_INFINITY).drift();
        assertThat(Pruning.prune(m, 0.5, c, drift).drift()).isEqualTo(drift);
        assertThatThrownBy(() -> Pruning.prune(m, 0.5, c, Math.nextDown(drift)))
                .hasMessageStartingWith("pruning refused: drift " + drift);
    }

    @Test
    void noOpWhenAlreadySparseEnough() {
        boolean[] mask = {true, false, false, false, true, false, true, false, true}; // 5 of 9 absent
        Model m = model(new FakeLiquidLayer("rnn", 3, W, mask));
        for (double target : new double[] {0.0, 0.5, 5.0 / 9}) {
            PruningResult r = Pruning.prune(m, target, Calibration.generated(3), 0.0);
            assertThat(r.model()).isSameAs(m);
            assertThat(r.removed()).isZero();
            assertThat(r.drift()).isZero();
            assertThat(r.sparsity()).isEqualTo(r.sparsityBefore()).isEqualTo(5.0 / 9);
        }
    }

    @Test
    void pruningEverySynapseIsAllowed() {
        PruningResult r = Pruning.prune(model(FakeLiquidLayer.dense("rnn", 3, W)), 1.0, Calibration.generated(3),
                Double.POSITIVE_INFINITY);
        assertThat(r.sparsity()).isEqualTo(1.0);
        assertThat(r.removed()).isEqualTo(9);
    }

    @Test
    void modelWithoutLiquidLayerIsRefused() {
        assertThatThrownBy(() -> Pruning.prune(TestModels.denseScale(), 0.5, Calibration.generated(3), 1.0))
                .isInstanceOf(EngineException.class)
                .hasMessage("pruning: model 'demo' has no wired liquid layer (liquid sparsity not applicable)");
    }

    @Test
    void badArgumentsAreRefused() {
        Model m = model(FakeLiquidLayer.dense("rnn", 3, W));
        assertThatThrownBy(() -> Pruning.prune(m, 1.5, Calibration.generated(3), 1.0))
                .hasMessage("pruning: target sparsity must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Pruning.prune(m, Double.NaN, Calibration.generated(3), 1.0))
                .hasMessage("pruning: target sparsity must be in [0, 1], got NaN");
        assertThatThrownBy(() -> Pruning.prune(m, 0.5, Calibration.generated(3), -1))
                .hasMessage("pruning: drift tolerance must be >= 0, got -1.0");
        assertThatThrownBy(() -> Pruning.prune(m, 0.5, Calibration.generated(4), 1))
                .hasMessage("pruning: calibration 'generated: N(0,1), SplittableRandom seed 42, 4 x 32' has 4 features, "
                        + "model 'liquid' takes 3");
    }

    @Test
    void aLayerThatIgnoresItsRemovalsIsCaught() {
        Layer ignoring = new IgnoringLayer(FakeLiquidLayer.dense("rnn", 3, W));
        assertThatThrownBy(() -> Pruning.prune(model(ignoring), 0.5, Calibration.generated(3), 1.0))
                .isInstanceOf(EngineException.class)
                .hasMessage("pruning: model 'liquid' has 9 of 9 synapses after removing 5, expected 4 of 9 "
                        + "(a layer ignored its removals)");
    }

    @Test
    void absentNeededIsExactForTargetsThatRoundUp() {
        assertThat(Pruning.absentNeeded(10, 0.7)).isEqualTo(7); // 0.7 x 10 = 7.000000000000001
        assertThat(Pruning.absentNeeded(9, 0.5)).isEqualTo(5);
        assertThat(Pruning.absentNeeded(3, 1.0 / 3)).isEqualTo(1);
        assertThat(Pruning.absentNeeded(100, 0.29)).isEqualTo(29); // 0.29 x 100 = 28.999999999999996
        assertThat(Pruning.absentNeeded(7, 0.0)).isZero();
        assertThat(Pruning.absentNeeded(7, 1.0)).isEqualTo(7);
    }

    /** A wired liquid layer whose pruning view returns itself unchanged (a broken implementation). */
    private static final class IgnoringLayer implements Layer, Prunable {
        private final FakeLiquidLayer d;

        IgnoringLayer(FakeLiquidLayer d) {
            this.d = d;
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override

        public LayerKind kind() {

            return d.kind();

        }


        @Override
        public String type() {
            return d.type();
        }

        @Override
        public int inputSize() {
            return d.inputSize();
        }

        @Override
        public int outputSize() {
            return d.outputSize();
        }

        @Override
        public int stateSize() {
            return 0;
        }

        @Override
        public Workspace newWorkspace() {
            return d.newWorkspace();
        }

        @Override
        public float step(float[] x, float[] y, float[] state, int off, float dt, Workspace ws) {
            return d.step(x, y, state, off, dt, ws);
        }

        @Override
        public double stepReference(double[] x, double[] y, double[] state, int off, double dt) {
            return d.stepReference(x, y, state, off, dt);
        }

        @Override
        public OpCounts opsPerStep() {
            return d.opsPerStep();
        }

        @Override
        public long parameterCount() {
            return d.parameterCount();
        }

        @Override
        public List<Tensor> tensors() {
            return d.tensors();
        }

        @Override
        public Optional<SynapseCount> synapses() {
            return d.synapses();
        }

        @Override
        public Optional<Prunable> prunable() {
            return Optional.of(this);
        }

        @Override
        public SynapseCount synapseCount() {
            return d.synapseCount();
        }

        @Override
        public double[] synapseMagnitudes() {
            return d.synapseMagnitudes();
        }

        @Override
        public Layer withoutSynapses(boolean[] remove) {
            return this;
        }
    }
}
