package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/MODEL_FORMAT.md's example model.json, exactly as printed, goes through the real loader and is
 * served under the default energy budget. The weights are whatever the loader asks for: each missing
 * tensor it names, with the shape it names, is supplied until the model builds.
 */
class ModelFormatDocTest {
    private static final Path DOC = Path.of("../docs/MODEL_FORMAT.md");
    private static final Pattern MISSING = Pattern.compile("missing tensor '([^']+)' \\(expected shape \\[([0-9, ]*)\\]\\)");

    static ObjectNode docExample() throws Exception {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("## 2\\. model\\.json\\s+```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("section 2 of " + DOC + " holds a json block").isTrue();
        return (ObjectNode) new ObjectMapper().readTree(m.group(1));
    }

    /** Builds the model, supplying each tensor the loader reports missing (small deterministic values). */
    static Model buildAsTheLoaderAsks(ObjectNode root) {
        return buildAsTheLoaderAsks(root, new LinkedHashMap<>());
    }

    static Model buildAsTheLoaderAsks(ObjectNode root, Map<String, Tensor> tensors) {
        for (int round = 0; round < 200; round++) {
            try {
                return ModelFiles.build(root, new TensorFile("weights.safetensors", tensors, Map.of()));
            } catch (EngineException e) {
                Matcher m = MISSING.matcher(e.getMessage());
                if (!m.find()) {
                    throw e;
                }
                int[] shape = m.group(2).isBlank() ? new int[0]
                        : Arrays.stream(m.group(2).split(",\\s*")).mapToInt(Integer::parseInt).toArray();
                float[] v = new float[Arrays.stream(shape).reduce(1, Math::multiplyExact)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.05f + 0.1f * (float) Math.sin(i + tensors.size());
                }
                tensors.put(m.group(1), Tensor.f32(m.group(1), shape, v));
            }
        }
        throw new AssertionError("the loader kept asking for tensors");
    }

    @Test
    void theDocsExampleLoadsRunsAndFitsTheDefaultBudget() throws Exception {
        ObjectNode root = docExample();
        Model m = buildAsTheLoaderAsks(root);
        assertThat(m.inputSize()).isEqualTo(root.get("input_features").asInt());
        assertThat(m.info().inputNames()).containsExactly("speed", "angle");
        BatchResult r = m.predict(BatchInput.of(new float[][][] {{{0.5f, -0.25f}, {1f, 0f}}}));
        assertThat(r.output()[0][1]).hasSize(1);
        assertThat(Double.isFinite(r.output()[0][1][0])).isTrue();
        assertThat(r.coherence()).isPresent();
        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.forModel(m));
        assertThat(e.microwatts()).as("the example is served under ENERGY_BUDGET_UW's default").isLessThanOrEqualTo(50.0);
    }

    @Test
    void scaleSizeIsInferredFromItsTensorWhenAbsent() throws Exception {
        ObjectNode root = docExample();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Model withSize = buildAsTheLoaderAsks(root.deepCopy(), weights);
        ((ObjectNode) root.get("layers").get(0)).remove("size");
        Model without = ModelFiles.build(root, new TensorFile("weights.safetensors", weights, Map.of()));
        assertThat(without.inputSize()).isEqualTo(withSize.inputSize());
        assertThat(without.parameterCount()).isEqualTo(withSize.parameterCount());
    }

    @Test
    void aWeightsPrefixIsPutInFrontOfTheTensorNamesAsWritten() throws Exception {
        ObjectNode root = docExample();
        ((ObjectNode) root.get("layers").get(3)).put("weights_prefix", "out.");
        Map<String, Tensor> dotted = new LinkedHashMap<>();
        buildAsTheLoaderAsks(root, dotted);
        assertThat(dotted).containsKeys("out.weight", "out.bias", "q.rotations").doesNotContainKey("head.weight");
        ((ObjectNode) root.get("layers").get(3)).put("weights_prefix", "out");
        Map<String, Tensor> bare = new LinkedHashMap<>();
        buildAsTheLoaderAsks(root, bare);
        assertThat(bare).containsKeys("outweight", "outbias");
    }
}
