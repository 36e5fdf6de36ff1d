package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.TensorFile;
import java.nio.charset.StandardCharsets;
import dev.quantumliquid.engine.format.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of the model loader: fuzzed model.json text, parsed with the
 * loader's own mapper settings, built against one fixed small valid weights file: the weights of the
 * former composed demo model (6-qubit pqc + NCP-wired mixed-memory LTC + dense head, kept as a test
 * resource so retraining the bundled demo does not move the target) plus a scale layer {@code norm} [3] and a dense layer
 * {@code out} 3 -> 2, so the seeds for both shapes of model build. It builds (and then runs a step) or is refused
 * with a one-line EngineException; anything else escaping is a finding. Seeds:
 * {@code src/test/resources/dev/quantumliquid/engine/model/ModelJsonJazzerTestInputs/build/}.
 */
class ModelJsonJazzerTest {
    private static final ObjectMapper JSON = ModelFiles.mapper();
    /** The former composed demo's weights (surefire runs in the module folder, {@code basedir}). */
    static final Path DEMO_WEIGHTS = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "dev", "quantumliquid",
            "engine", "model", "composed-demo-weights.safetensors");
    private static final TensorFile WEIGHTS = weights();

    private static TensorFile weights() {
        List<Tensor> all = new ArrayList<>(SafeTensors.read(DEMO_WEIGHTS).tensors().values());
        for (Tensor t : TestModels.denseScaleWeights()) {
            String name = t.name().startsWith("head.") ? "out." + t.name().substring(5) : t.name();
            all.add(new Tensor(name, t.dtype(), t.shape(), t.toDoubleArray()));
        }
        return SafeTensors.parse("weights.safetensors", SafeTensors.serialize(all, Map.of()));
    }

    @FuzzTest(maxDuration = "10s")
    void build(byte[] modelJson) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(modelJson, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return; // ModelFiles.load refuses this as "not valid JSON"; the build below is the target
        }
        if (root == null || !root.isObject()) {
            return; // likewise refused by ModelFiles.load
        }
        try {
            Model model = ModelFiles.build((ObjectNode) root, WEIGHTS);
            BatchResult r = model.predict(BatchInput.of(new float[1][1][model.inputSize()]), 1);
            assertThat(r).isNotNull();
        } catch (EngineException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
        }
    }
}
