package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.layer.Layer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Bad specs and tensors are refused with errors naming where, the field, the limit and the value. */
class NcpsSpecTest {
    private static void ltcRefused(Consumer<ObjectNode> edit, String... parts) {
        ObjectNode spec = Tiny.ltcSpec();
        edit.accept(spec);
        assertThatThrownBy(() -> Tiny.ltc().build(spec)).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(parts);
    }

    private static void cfcRefused(Consumer<ObjectNode> edit, String... parts) {
        ObjectNode spec = Tiny.cfcSpec();
        edit.accept(spec);
        assertThatThrownBy(() -> Tiny.cfc().build(spec)).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(parts);
    }

    @Test
    void numericLimitsNameFieldLimitAndValue() {
        ltcRefused(s -> s.put("ode_unfolds", 0), Tiny.WHERE, "'ode_unfolds'", "1..1000", "got 0");
        ltcRefused(s -> s.put("ode_unfolds", 1001), Tiny.WHERE, "'ode_unfolds'", "1..1000", "got 1001");
        ltcRefused(s -> s.put("epsilon", -1e-3), Tiny.WHERE, "'epsilon'", "[0.0, 1.0]", "-0.001");
        ltcRefused(s -> s.put("input_size", 0), Tiny.WHERE, "'input_size'", "got 0");
        cfcRefused(s -> s.put("units", 5000), Tiny.WHERE, "'units'", "1..4096", "got 5000");
        cfcRefused(s -> s.put("units", 2.5), Tiny.WHERE, "'units'", "got 2.5");
        cfcRefused(s -> s.put("backbone_layers", 65), Tiny.WHERE, "'backbone_layers'", "0..64", "got 65");
        cfcRefused(s -> s.put("proj_size", 0), Tiny.WHERE, "'proj_size'", "got 0");
        cfcRefused(s -> s.put("state_size", 4), Tiny.WHERE, "'state_size'", "4", "3");
    }

    @Test
    void choicesNameTheAllowedValues() {
        cfcRefused(s -> s.put("class", "GRU"), Tiny.WHERE, "'class'", "LTC, CfC", "GRU");
        cfcRefused(s -> s.put("mode", "fast"), Tiny.WHERE, "'mode'", "no_gate", "fast");
        cfcRefused(s -> s.put("activation", "sigmoid"), Tiny.WHERE, "'activation'", "lecun_tanh", "sigmoid");
        ltcRefused(s -> s.put("input_mapping", "quadratic"), Tiny.WHERE, "'input_mapping'", "affine", "quadratic");
        ltcRefused(s -> s.put("implicit_param_constraints", "yes"), Tiny.WHERE, "'implicit_param_constraints'", "yes");
        ltcRefused(s -> s.put("mixed_memory", 1), Tiny.WHERE, "'mixed_memory'", "true or false");
    }

    @Test
    void unknownOrMisplacedOptionsAreRefused() {
        ltcRefused(s -> s.put("ode_unfold", 6), Tiny.WHERE, "unknown field 'ode_unfold'", "ode_unfolds");
        cfcRefused(s -> s.put("ode_unfolds", 6), Tiny.WHERE, "'ode_unfolds'", "an option of LTC");
        ltcRefused(s -> s.put("backbone_units", 6), Tiny.WHERE, "'backbone_units'", "an option of CfC");
    }

    @Test
    void wiringIsChecked() {
        ltcRefused(s -> ((ArrayNode) s.get("units").get("adjacency_matrix").get(1)).set(2, 2), Tiny.WHERE,
                "'adjacency_matrix' [1][2]", "-1, 0 or 1", "got 2");
        ltcRefused(s -> ((ArrayNode) s.get("units").get("sensory_adjacency_matrix")).remove(1), Tiny.WHERE,
                "'sensory_adjacency_matrix'", "[2][3]", "1 rows");
        ltcRefused(s -> ((ObjectNode) s.get("units")).put("input_dim", 5), Tiny.WHERE, "'input_dim'", "input_size 2", "5");
        ltcRefused(s -> ((ObjectNode) s.get("units")).put("output_dim", 4), Tiny.WHERE, "'output_dim'", "1..3", "got 4");
        ltcRefused(s -> ((ArrayNode) s.get("units").get("layers").get(0)).set(0, 1), Tiny.WHERE, "'layers'", "distinct");
        ltcRefused(s -> s.put("units", "many"), Tiny.WHERE, "wiring object", "many");
    }

    @Test
    void wiredCfcRefusesBackboneOptionsAndNeedsLayers() {
        ObjectNode spec = Tiny.cfcSpec();
        spec.remove("backbone_units");
        spec.set("units", Tiny.wiring(Tiny.LTC_ADJ, Tiny.LTC_SENS, 1));
        assertThatThrownBy(() -> Tiny.cfc().build(spec)).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(Tiny.WHERE, "missing field 'layers'");
        spec.set("units", Tiny.wiring(Tiny.LTC_ADJ, Tiny.LTC_SENS, 1, new int[] {0, 1, 2}));
        spec.put("backbone_layers", 1);
        assertThatThrownBy(() -> Tiny.cfc().build(spec)).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(Tiny.WHERE, "'backbone_layers'", "wired");
    }

    @Test
    void tensorsAreCheckedForShapeAndMaskValues() {
        Tiny t = Tiny.ltc().put("rnn_cell.w", 0, 1, 3, 2);
        assertThatThrownBy(() -> t.build(Tiny.ltcSpec())).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(Tiny.WHERE, "rnn_cell.w", "[3, 2]", "[3, 3]");
        Tiny m = Tiny.ltc().putValues("rnn_cell.sparsity_mask", new double[] {0, 1, 0, 0.5, 0, 1, 0, 0, 1}, 3, 3);
        assertThatThrownBy(() -> m.build(Tiny.ltcSpec())).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(Tiny.WHERE, "rnn_cell.sparsity_mask", "0.5", "flat index 3", "0 and 1");
        ObjectNode mixed = Tiny.ltcSpec().put("mixed_memory", true);
        assertThatThrownBy(() -> Tiny.ltc().build(mixed)).isInstanceOf(EngineException.class)
                .hasMessageContainingAll(Tiny.WHERE, "missing tensor 'lstm.input_map.weight'", "[12, 2]");
        ObjectNode linear = Tiny.ltcSpec().put("input_mapping", "linear");
        Tiny noW = Tiny.ltc();
        noW.tensors.remove("rnn_cell.input_w");
        assertThatThrownBy(() -> noW.build(linear)).isInstanceOf(EngineException.class)
                .hasMessageContaining("missing tensor 'rnn_cell.input_w'");
    }

    @Test
    void ncpsDefaultsApplyWhenOptionsAreMissing() {
        // ncps 1.0.1 defaults: LTC implicit_param_constraints=True (softplus), CfC backbone 128 x 1 layer.
        ObjectNode explicit = Tiny.ltcSpec().put("implicit_param_constraints", true).put("epsilon", 1e-8)
                .put("input_mapping", "affine").put("output_mapping", "affine");
        Layer a = Tiny.ltc().build(Tiny.ltcSpec());
        Layer b = Tiny.ltc().build(explicit);
        Layer off = Tiny.ltc().build(Tiny.ltcSpec().put("implicit_param_constraints", false));
        double[] x = {0.3, -0.7};
        assertThat(step(a, x)).containsExactly(step(b, x));
        assertThat(step(off, x)[0]).isNotEqualTo(step(a, x)[0]);
        ObjectNode cfc = Tiny.cfcSpec();
        cfc.remove("backbone_units");
        assertThatThrownBy(() -> Tiny.cfc().build(cfc)).isInstanceOf(EngineException.class)
                .hasMessageContaining("rnn_cell.backbone.0.weight").hasMessageContaining("[128, 5]");
    }

    private static double[] step(Layer l, double[] x) {
        double[] y = new double[l.outputSize()];
        l.stepReference(x, y, new double[l.stateSize()], 0, 1.0);
        return y;
    }
}
