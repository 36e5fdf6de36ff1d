package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.NcpsImport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Magnitude pruning of wired liquid layers: masks, counts, ops and outputs follow the removed synapses. */
class NcpsPruningTest {
    private static Model model(String name) {
        Fixtures.Case c = Fixtures.get("ncps", name);
        return NcpsImport.toModel(c.name(), c.spec(), c.weights());
    }

    /** Flags the k smallest magnitudes. */
    private static boolean[] smallest(double[] mag, int k) {
        double[] sorted = mag.clone();
        Arrays.sort(sorted);
        boolean[] remove = new boolean[mag.length];
        int n = 0;
        for (int i = 0; i < mag.length && n < k; i++) {
            if (mag[i] <= sorted[k - 1]) {
                remove[i] = true;
                n++;
            }
        }
        return remove;
    }

    private static long ones(Tensor t) {
        long n = 0;
        for (int i = 0; i < t.size(); i++) {
            n += t.get(i) != 0 ? 1 : 0;
        }
        return n;
    }

    private static Tensor named(List<Tensor> ts, String name) {
        return ts.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** Rebuilds the pruned layer from its own tensors() (what writing the model back stores) and compares outputs. */
    private static void reloadsIdentically(Model original, Layer pruned, String name) {
        Fixtures.Case c = Fixtures.get("ncps", name);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : pruned.tensors()) {
            m.put(t.name(), t);
        }
        Model reloaded = NcpsImport.toModel(name, c.spec(), new TensorFile("pruned", m, Map.of()));
        Model direct = new Model(original.info(), List.of(pruned));
        BatchResult a = direct.predictReference(NcpsFixturesTest.input(c));
        BatchResult b = reloaded.predictReference(NcpsFixturesTest.input(c));
        assertThat(a.output()).isDeepEqualTo(b.output());
        BatchResult before = original.predictReference(NcpsFixturesTest.input(c));
        assertThat(Arrays.deepEquals(a.output(), before.output())).as("pruning changes the outputs").isFalse();
        BatchResult fast = direct.predict(NcpsFixturesTest.input(c));
        assertThat(NcpsFixturesTest.maxDiff(fast.output(), Tensor.f64("o", new int[] {a.output().length,
                a.output()[0].length, a.output()[0][0].length}, flat(a.output())))).isLessThan(1e-5);
        assertThat(direct.synapses()).isEqualTo(pruned.synapses());
    }

    private static double[] flat(double[][][] a) {
        return Arrays.stream(a).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
    }

    @Test
    void ltcPruningZeroesTheSmallestSynapses() {
        Model m = model("ltc_autoncp_20_28_4");
        Layer l = m.layers().get(0);
        Prunable p = l.prunable().orElseThrow();
        assertThat(p.synapseCount()).isEqualTo(new SynapseCount(28 * 28 + 20 * 28, 84 + 140));
        double[] mag = p.synapseMagnitudes();
        assertThat(mag).hasSize(224);
        // synapse 0 is the first present entry of rnn_cell.sparsity_mask, its magnitude softplus(w) there
        Tensor mask = named(l.tensors(), "rnn_cell.sparsity_mask");
        int e0 = 0;
        while (mask.get(e0) == 0) {
            e0++;
        }
        double w0 = named(l.tensors(), "rnn_cell.w").get(e0);
        assertThat(mag[0]).isCloseTo(Math.log1p(Math.exp(w0)), within(1e-12));

        boolean[] remove = smallest(mag, 30);
        int recurrentRemoved = 0;
        for (int i = 0; i < 84; i++) {
            recurrentRemoved += remove[i] ? 1 : 0;
        }
        int sensoryRemoved = 30 - recurrentRemoved;
        Layer pruned = p.withoutSynapses(remove);
        assertThat(pruned.synapses()).contains(new SynapseCount(1344, 224 - 30));
        assertThat(ones(named(pruned.tensors(), "rnn_cell.sparsity_mask"))).isEqualTo(84 - recurrentRemoved);
        assertThat(ones(named(pruned.tensors(), "rnn_cell.sensory_sparsity_mask"))).isEqualTo(140 - sensoryRemoved);
        assertThat(ones(named(l.tensors(), "rnn_cell.sparsity_mask"))).as("original untouched").isEqualTo(84);
        var before = l.opsPerStep();
        var after = pruned.opsPerStep();
        assertThat(before.macs() - after.macs()).isEqualTo(3L * sensoryRemoved + 6L * 3 * recurrentRemoved);
        assertThat(before.transcendentals() - after.transcendentals()).isEqualTo(sensoryRemoved + 6L * recurrentRemoved);
        // the remaining magnitudes are the kept ones, in order
        double[] kept = new double[224 - 30];
        for (int i = 0, k = 0; i < 224; i++) {
            if (!remove[i]) {
                kept[k++] = mag[i];
            }
        }
        assertThat(pruned.prunable().orElseThrow().synapseMagnitudes()).containsExactly(kept);
        reloadsIdentically(m, pruned, "ltc_autoncp_20_28_4");
    }

    @Test
    void wiredCfcPruningZeroesTheSmallestSynapses() {
        Model m = model("cfc_wired_autoncp_10_16_2");
        Layer l = m.layers().get(0);
        Prunable p = l.prunable().orElseThrow();
        double[] mag = p.synapseMagnitudes();
        assertThat(mag).hasSize(177);
        Tensor mask = named(l.tensors(), "rnn_cell.layer_0.sparsity_mask");
        int e0 = 0;
        while (mask.get(e0) == 0) {
            e0++;
        }
        double sum = 0;
        for (String head : new String[] {"ff1", "ff2", "time_a", "time_b"}) {
            sum += Math.abs(named(l.tensors(), "rnn_cell.layer_0." + head + ".weight").get(e0));
        }
        assertThat(mag[0]).isCloseTo(sum, within(1e-12));
        Layer pruned = p.withoutSynapses(smallest(mag, 40));
        assertThat(pruned.synapses()).contains(new SynapseCount(255, 177 - 40));
        long left = 0;
        for (int layer = 0; layer < 3; layer++) {
            left += ones(named(pruned.tensors(), "rnn_cell.layer_" + layer + ".sparsity_mask"));
        }
        assertThat(left).isEqualTo(137);
        // ff1 and ff2 lose one MAC per removed synapse; time_a/time_b stay dense as in ncps
        assertThat(l.opsPerStep().macs() - pruned.opsPerStep().macs()).isEqualTo(2 * 40);
        reloadsIdentically(m, pruned, "cfc_wired_autoncp_10_16_2");
    }

    @Test
    void removalFlagsMustMatchThePresentSynapses() {
        Prunable p = model("ltc_ncp_mixed_linear").layers().get(0).prunable().orElseThrow();
        assertThatThrownBy(() -> p.withoutSynapses(new boolean[3])).isInstanceOf(EngineException.class)
                .hasMessageContainingAll("38", "3");
        Layer none = p.withoutSynapses(new boolean[38]);
        assertThat(none.synapses()).contains(new SynapseCount(12 * 12 + 6 * 12, 38));
    }
}
