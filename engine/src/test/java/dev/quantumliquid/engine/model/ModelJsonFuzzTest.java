package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.Fuzz;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the model.json loader: a valid model.json with 1..4 nodes replaced or removed (other types,
 * huge or negative numbers, other layer types, traversal paths), with its weights sometimes
 * reshaped, retyped or dropped. Building must succeed or throw EngineException, quickly; a model
 * that builds must run a step. Raw text is {@link ModelJsonJazzerTest}'s.
 */
class ModelJsonFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static JsonNode hostile(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> F.numberNode(Fuzz.pick(r, -1, 0, 1, 2, 3, 64, 65, 65536, 65537, Integer.MAX_VALUE, Integer.MIN_VALUE));
            case 1 -> F.numberNode(Fuzz.pick(r, 0.5, -0.0, 1e308, -1e308, 4.9e-324, 1e-300));
            case 2 -> F.numberNode(Fuzz.pick(r, Long.MAX_VALUE, 1L << 40, Long.MIN_VALUE));
            case 3 -> F.textNode(Fuzz.pick(r, "", "ncps", "pqc", "dense", "scale", "tanh", "relu", "none", "../../etc/passwd",
                    "/etc/passwd", "weights.safetensors", "qlnn-model/1", "qlnn-model/2", "x".repeat(5000), "a\nb"));
            default -> Fuzz.pick(r, F.nullNode(), F.booleanNode(true), F.arrayNode(), F.objectNode(),
                    F.arrayNode().add(F.arrayNode().add(F.arrayNode())), F.arrayNode().add(1).add(2), F.arrayNode().add("x"))
                    .deepCopy();
        };
    }

    static List<Tensor> weights(SplittableRandom r) {
        List<Tensor> out = new ArrayList<>(TestModels.denseScaleWeights());
        if (r.nextBoolean()) {
            return out;
        }
        int which = r.nextInt(out.size());
        Tensor t = out.get(which);
        switch (r.nextInt(5)) {
            case 0 -> out.remove(which);
            case 1 -> out.set(which, Tensor.f32(t.name(), new int[] {1}, new float[] {Float.NaN}));
            case 2 -> out.set(which, Tensor.f64(t.name(), new int[] {t.size()}, new double[t.size()]));
            case 3 -> out.set(which, Tensor.f32(t.name(), new int[] {}, new float[] {1f}));
            default -> out.set(which, Tensor.f32(t.name(), new int[] {t.size(), 1}, new float[t.size()]));
        }
        return out;
    }

    /** Replaces or removes one node of the tree (chosen uniformly among all nodes below the root). */
    static void mutate(ObjectNode root, SplittableRandom r) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return;
        }
        Object[] s = slots.get(r.nextInt(slots.size()));
        boolean remove = r.nextInt(6) == 0;
        if (s[0] instanceof ObjectNode o) {
            if (remove) {
                o.remove((String) s[1]);
            } else {
                o.set((String) s[1], hostile(r));
            }
        } else if (s[0] instanceof ArrayNode a) {
            if (remove) {
                a.remove((int) s[1]);
            } else {
                a.set((int) s[1], hostile(r));
            }
        }
    }

    private static void collect(JsonNode n, List<Object[]> out) {
        if (n instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                out.add(new Object[] {o, e.getKey()});
                collect(e.getValue(), out);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Object[] {a, i});
                collect(a.get(i), out);
            }
        }
    }

    @Test
    void mutatedModelJsonBuildsOrFailsWithEngineExceptionOnly() {
        Map<String, Integer> outcomes = Fuzz.run("model.json", 2.0, (r, i) -> {
            ObjectNode root = TestModels.denseScaleJson();
            int changes = 1 + r.nextInt(4);
            for (int k = 0; k < changes; k++) {
                mutate(root, r);
            }
            try {
                Model model = ModelFiles.build(root, TestModels.file("weights.safetensors", weights(r)));
                model.predict(BatchInput.of(new float[1][1][model.inputSize()]), 1);
                return "built";
            } catch (EngineException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                return "refused";
            } catch (RuntimeException | Error e) {
                fail("threw " + e + " for model.json " + root, e);
                return "unreachable";
            }
        });
        assertThat(outcomes).containsKeys("built", "refused");
    }
}
