package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.ParamSpec;
import dev.quantumliquid.engine.layer.ParamTable;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.NcpsImport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Options the fixtures do not cover: the float32 path against the float64 reference on seeded random
 * weights, and the tensor names each option implies.
 */
class NcpsConfigurationsTest {
    private static final Pattern MISSING = Pattern.compile("missing tensor '([^']+)' \\(expected shape \\[([0-9, ]+)]\\)");

    static Stream<Arguments> configurations() {
        List<Arguments> a = new ArrayList<>();
        for (String act : new String[] {"lecun_tanh", "silu", "relu", "tanh", "gelu"}) {
            for (String mode : new String[] {"default", "no_gate", "pure"}) {
                a.add(Arguments.of("CfC " + act + " " + mode, cfc(13).put("activation", act).put("mode", mode)));
            }
        }
        a.add(Arguments.of("CfC no backbone", cfc(16).put("backbone_layers", 0)));
        a.add(Arguments.of("CfC 3 layers", cfc(9).put("backbone_layers", 3)));
        a.add(Arguments.of("CfC 3 layers dropout", cfc(9).put("backbone_layers", 3).put("backbone_dropout", 0.2)));
        a.add(Arguments.of("CfC 40 units mixed proj", cfc(40).put("mixed_memory", true).put("proj_size", 5)));
        a.add(Arguments.of("wired CfC default", wiredCfc()));
        a.add(Arguments.of("wired CfC pure proj", wiredCfc().put("mode", "pure").put("proj_size", 2)));
        a.add(Arguments.of("wired CfC no_gate mixed", wiredCfc().put("mode", "no_gate").put("mixed_memory", true)));
        a.add(Arguments.of("LTC affine", Tiny.ltcSpec()));
        a.add(Arguments.of("LTC linear/none", Tiny.ltcSpec().put("input_mapping", "linear").put("output_mapping", "none")));
        a.add(Arguments.of("LTC none/linear mixed", Tiny.ltcSpec().put("input_mapping", "none")
                .put("output_mapping", "linear").put("mixed_memory", true)));
        a.add(Arguments.of("LTC explicit 1 unfold", Tiny.ltcSpec().put("implicit_param_constraints", false)
                .put("ode_unfolds", 1).put("epsilon", 1e-3)));
        a.add(Arguments.of("LTC fully connected 11", Tiny.json().objectNode().put("class", "LTC").put("input_size", 3)
                .put("units", 11)));
        return a.stream();
    }

    private static ObjectNode cfc(int units) {
        return Tiny.json().objectNode().put("class", "CfC").put("input_size", 3).put("units", units)
                .put("backbone_units", 10);
    }

    private static ObjectNode wiredCfc() {
        int[][] adj = new int[7][7];
        int[][] sens = new int[3][7];
        Random r = new Random(3);
        for (int[] row : adj) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextInt(3) - 1;
            }
        }
        for (int[] row : sens) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextInt(3) - 1;
            }
        }
        ObjectNode spec = Tiny.json().objectNode().put("class", "CfC").put("input_size", 3);
        spec.set("units", Tiny.wiring(adj, sens, 2, new int[] {4, 5, 6, 2}, new int[] {3}, new int[] {0, 1}));
        return spec;
    }

    /** Builds the layer, adding a seeded random tensor for every one the loader reports missing. */
    static Layer build(ObjectNode spec, Tiny t) {
        Random r = new Random(11);
        for (int tries = 0; tries < 100; tries++) {
            try {
                return t.build(spec.deepCopy());
            } catch (EngineException e) {
                Matcher m = MISSING.matcher(e.getMessage());
                if (!m.find()) {
                    throw e;
                }
                String name = m.group(1);
                int[] shape = Arrays.stream(m.group(2).split(", ")).mapToInt(Integer::parseInt).toArray();
                int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) value(name, r);
                }
                t.putValues(name, v, shape);
            }
        }
        throw new AssertionError("too many missing tensors");
    }

    private static double value(String name, Random r) {
        if (name.endsWith("sparsity_mask")) {
            return r.nextInt(4) == 0 ? 0 : 1;
        } else if (name.endsWith("sigma")) {
            return 3 + 5 * r.nextDouble();
        } else if (name.endsWith("mu")) {
            return 0.3 + 0.5 * r.nextDouble();
        } else if (name.endsWith("cm") || name.endsWith("gleak") || name.endsWith("rnn_cell.w") || name.endsWith("sensory_w")) {
            return 0.2 + 0.8 * r.nextDouble();
        }
        return r.nextDouble() - 0.5;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void theSpecTableAndJsonDescribeTheLoadedLayer(String label, ObjectNode spec) {
        Layer layer = build(spec, new Tiny());
        ObjectNode entry = Tiny.json().objectNode();
        entry.set("spec", spec.deepCopy());
        NcpsSpec parsed = NcpsSpec.parse(entry, "t");
        ParamTable table = parsed.parameters();
        assertThat(layer.kind()).isEqualTo(parsed.layerKind());
        assertThat(layer.outputSize()).isEqualTo(parsed.outputSize());
        assertThat(layer.tensors()).extracting(Tensor::name)
                .containsExactlyElementsOf(table.params().stream().map(ParamSpec::name).toList());
        for (Tensor t : layer.tensors()) {
            assertThat(t.shape()).as(t.name()).isEqualTo(table.get(t.name()).shape());
        }
        assertThat(layer.parameterCount()).isEqualTo(table.trainableSize());
        ObjectNode written = Tiny.json().objectNode();
        written.set("spec", parsed.toJson(spec.get("units")));
        assertThat(NcpsSpec.parse(written, "t")).isEqualTo(parsed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void fastPathFollowsTheReference(String label, ObjectNode spec) {
        Tiny t = label.startsWith("LTC affine") || label.startsWith("LTC explicit") ? Tiny.ltc() : new Tiny();
        if (label.startsWith("LTC linear") || label.startsWith("LTC none")) {
            t = Tiny.ltc();
            t.tensors.keySet().removeIf(k -> k.startsWith("rnn_cell.input_") || k.startsWith("rnn_cell.output_"));
        }
        Layer layer = build(spec, t);
        Model m = NcpsImport.toModel(label, spec, t.file());
        assertThat(m.layers().get(0).tensors()).extracting(Tensor::name).containsExactlyInAnyOrderElementsOf(t.tensors.keySet());
        Random r = new Random(5);
        float[][][] x = new float[2][6][layer.inputSize()];
        float[][] dt = new float[2][6];
        for (int b = 0; b < 2; b++) {
            for (int s = 0; s < 6; s++) {
                dt[b][s] = 0.2f + 1.5f * r.nextFloat();
                for (int f = 0; f < x[b][s].length; f++) {
                    x[b][s][f] = 2 * r.nextFloat() - 1;
                }
            }
        }
        BatchResult ref = m.predictReference(BatchInput.of(x).timespans(dt));
        BatchResult fast = m.predict(BatchInput.of(x).timespans(dt));
        for (int b = 0; b < 2; b++) {
            for (int s = 0; s < 6; s++) {
                for (int o = 0; o < layer.outputSize(); o++) {
                    assertThat(fast.output()[b][s][o]).as("%s output %d %d %d", label, b, s, o)
                            .isCloseTo(ref.output()[b][s][o], org.assertj.core.api.Assertions.within(2e-5));
                }
            }
        }
        assertThat(Arrays.stream(ref.output()[0]).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElseThrow())
                .as("outputs are not trivially zero").isGreaterThan(1e-3);
    }

    @Test
    void backboneTensorNamesFollowTheSequentialIndices() {
        // nn.Sequential(Linear, act, [Linear, act, Dropout if dropout > 0]...): the Linear indices shift with dropout
        Tiny plain = new Tiny();
        build(cfc(9).put("backbone_layers", 3), plain);
        assertThat(plain.tensors.keySet()).contains("rnn_cell.backbone.0.weight", "rnn_cell.backbone.2.weight",
                "rnn_cell.backbone.4.weight").doesNotContain("rnn_cell.backbone.5.weight");
        Tiny dropout = new Tiny();
        build(cfc(9).put("backbone_layers", 3).put("backbone_dropout", 0.2), dropout);
        assertThat(dropout.tensors.keySet()).contains("rnn_cell.backbone.0.weight", "rnn_cell.backbone.2.weight",
                "rnn_cell.backbone.5.weight").doesNotContain("rnn_cell.backbone.4.weight");
    }
}
