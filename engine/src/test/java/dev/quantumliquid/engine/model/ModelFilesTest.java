package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir
    Path dir;

    private Path written() {
        ModelFiles.write(dir, TestModels.denseScale(), List.of());
        return dir;
    }

    private ObjectNode readJson() throws IOException {
        return (ObjectNode) ModelFiles.mapper().readTree(dir.resolve("model.json").toFile());
    }

    private void writeJson(ObjectNode root) throws IOException {
        Files.write(dir.resolve("model.json"), ModelFiles.mapper().writeValueAsBytes(root));
    }

    private static Model build(ObjectNode json, List<Tensor> weights) {
        return ModelFiles.build(json, TestModels.file("weights.safetensors", weights));
    }

    private static List<Tensor> replace(List<Tensor> all, Tensor t) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor o : all) {
            out.add(o.name().equals(t.name()) ? t : o);
        }
        return out;
    }

    @Test
    void writeThenLoadGivesTheSameModelAndIdenticalOutputs() {
        Model original = TestModels.denseScale();
        ModelFiles.write(dir, original, List.of());
        Model loaded = ModelFiles.load(dir);

        assertThat(loaded.name()).isEqualTo("demo");
        assertThat(loaded.layers()).extracting(Layer::type).containsExactly("scale", "dense");
        assertThat(loaded.info().sampleRateHz()).isEqualTo(10.0);
        assertThat(loaded.parameterCount()).isEqualTo(original.parameterCount()).isEqualTo(6 + 8);
        BatchInput in = BatchInput.of(TestModels.input(3, 5, 3, 7));
        assertThat(loaded.predict(in, 1).output()).isDeepEqualTo(original.predict(in, 1).output());
        assertThat(loaded.predictReference(in).output()).isDeepEqualTo(original.predictReference(in).output());
        // The round trip writes the same tensors back.
        ModelFiles.write(dir.resolve("again"), loaded, List.of());
        assertThat(ModelFiles.load(dir.resolve("again")).predictReference(in).output())
                .isDeepEqualTo(original.predictReference(in).output());
    }

    @Test
    void referenceOutputIsTheSpecFormula() {
        Model m = TestModels.denseScale();
        double[] x = {0.4, -1.2, 2.0};
        double[] scale = {0.5f, 2f, -1f};
        double[] shift = {0.1f, 0f, -0.25f};
        double[] w = {0.3f, -0.7f, 1.1f, 0.05f, 0.9f, -0.4f};
        double[] b = {0.01f, -0.2f};
        double[] u = new double[3];
        for (int i = 0; i < 3; i++) {
            u[i] = (float) x[i] * scale[i] + shift[i];
        }
        BatchResult r = m.predictReference(BatchInput.of(new float[][][] {{{0.4f, -1.2f, 2.0f}}}));
        for (int o = 0; o < 2; o++) {
            double s = b[o];
            for (int i = 0; i < 3; i++) {
                s += w[o * 3 + i] * u[i];
            }
            assertThat(r.output()[0][0][o]).isEqualTo(Math.tanh(s));
        }
    }

    @Test
    void calibrationIsWrittenWithItsChecksumAndLoads() throws IOException {
        ModelFiles.write(dir, TestModels.denseScale(), List.of(
                Tensor.f32("input", new int[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, 6})));
        assertThat(readJson().get("checksums").has(ModelFiles.CALIBRATION)).isTrue();
        assertThat(ModelFiles.load(dir).name()).isEqualTo("demo");
    }

    @Test
    void checksumMismatchNamesTheFileAndBothDigests() throws IOException {
        written();
        String want = readJson().get("checksums").get("weights.safetensors").asText();
        Path w = dir.resolve("weights.safetensors");
        byte[] b = Files.readAllBytes(w);
        b[b.length - 1] ^= 1;
        Files.write(w, b);
        String got = ModelFiles.sha256(w);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: checksum mismatch: model.json says sha256 " + want + ", file has " + got);
    }

    @Test
    void missingChecksumIsRefused() throws IOException {
        written();
        ObjectNode root = readJson();
        ((ObjectNode) root.get("checksums")).remove("weights.safetensors");
        writeJson(root);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: no SHA-256 in 'checksums' for 'weights.safetensors'");
        root.remove("checksums");
        writeJson(root);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: missing object 'checksums' (a SHA-256 for every file)");
    }

    @Test
    void unlistedCalibrationFileMakesTheVersionUnloadable() throws IOException {
        written();
        Files.write(dir.resolve(ModelFiles.CALIBRATION), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: no SHA-256 in 'checksums' for 'calibration.safetensors'");
    }

    @Test
    void fileListedInChecksumsButMissingIsRefused() throws IOException {
        written();
        ObjectNode root = readJson();
        ((ObjectNode) root.get("checksums")).put("extra.safetensors", "00");
        writeJson(root);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("extra.safetensors: not found (listed in model.json's checksums)");
    }

    @Test
    void weightsNameThatLeavesTheFolderIsRefusedNamingTheField() throws IOException {
        written();
        Files.copy(dir.resolve("weights.safetensors"), dir.getParent().resolve("weights.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String evil : new String[] {"../weights.safetensors", "/etc/passwd", "..", "sub\\w.safetensors", ""}) {
            ObjectNode root = readJson();
            root.put("weights", evil);
            ((ObjectNode) root.get("checksums")).put(evil, ModelFiles.sha256(dir.resolve("weights.safetensors")));
            writeJson(root);
            assertThatThrownBy(() -> ModelFiles.load(dir))
                    .as(evil)
                    .isInstanceOf(EngineException.class)
                    .hasMessage("model.json: field 'weights' names '" + evil
                            + "', which is not a plain file name in the version folder");
        }
    }

    @Test
    void checksumKeyThatLeavesTheFolderIsRefused() throws IOException {
        written();
        ObjectNode root = readJson();
        ((ObjectNode) root.get("checksums")).put("../model.json", "00");
        writeJson(root);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: field 'checksums' names '../model.json', which is not a plain file name in the version folder");
    }

    @Test
    void modelJsonThatIsNotJsonIsRefusedNamingTheFile() throws IOException {
        written();
        Files.writeString(dir.resolve("model.json"), "{\"format\": \"qlnn-model/1\", oops", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("model.json: not valid JSON (");
        Files.writeString(dir.resolve("model.json"), "[1, 2]", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: must hold a JSON object");
        Files.writeString(dir.resolve("model.json"), "", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: must hold a JSON object");
    }

    @Test
    void missingModelJsonIsRefused() {
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: not found (a model version folder needs model.json)");
    }

    @Test
    void wrongFormatStringIsRefused() {
        ObjectNode json = TestModels.denseScaleJson();
        json.put("format", "qlnn-model/2");
        assertThatThrownBy(() -> build(json, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: field 'format' must be 'qlnn-model/1', got 'qlnn-model/2'");
        json.put("format", 1);
        assertThatThrownBy(() -> build(json, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: field 'format' must be a string, got 1");
    }

    @Test
    void trailingTextAfterTheJsonObjectIsRefused() throws IOException {
        written();
        String json = Files.readString(dir.resolve("model.json"), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("model.json"), json + " {\"name\": \"other\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("model.json: not valid JSON (");
    }

    @Test
    void duplicateLayerNamesAreRefused() {
        ObjectNode json = TestModels.denseScaleJson();
        String first = json.get("layers").get(0).get("name").asText();
        ((ObjectNode) json.get("layers").get(1)).put("name", first);
        assertThatThrownBy(() -> build(json, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: layer 1 '" + first + "': duplicate layer name (layer names must be unique)");
    }

    @Test
    void rewritingWithoutCalibrationRemovesTheStaleOne() {
        ModelFiles.write(dir, TestModels.denseScale(), List.of(Tensor.f32("input", new int[] {1, 1, 3}, new float[] {1, 2, 3})));
        assertThat(dir.resolve(ModelFiles.CALIBRATION)).exists();
        ModelFiles.write(dir, TestModels.denseScale(), List.of());
        assertThat(dir.resolve(ModelFiles.CALIBRATION)).doesNotExist();
        assertThat(ModelFiles.load(dir).outputSize()).isEqualTo(TestModels.denseScale().outputSize());
    }

    @Test
    void unknownLayerTypeNamesTheLayer() {
        ObjectNode json = TestModels.denseScaleJson();
        ((ObjectNode) json.get("layers").get(1)).put("type", "conv2d");
        assertThatThrownBy(() -> build(json, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: layer 1 'head': unknown layer type 'conv2d' (expected ncps, pqc, dense or scale)");
    }

    @Test
    void layerSizeChainMismatchNamesBothSizes() {
        ObjectNode json = TestModels.denseScaleJson();
        ((ObjectNode) json.get("layers").get(1)).put("in", 4);
        List<Tensor> w = replace(TestModels.denseScaleWeights(),
                Tensor.f32("head.weight", new int[] {2, 4}, new float[8]));
        assertThatThrownBy(() -> build(json, w))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: layer 1 'head' takes 4 inputs but receives 3 from layer 0");
        ObjectNode first = TestModels.denseScaleJson();
        first.put("input_features", 5);
        assertThatThrownBy(() -> build(first, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: layer 0 'norm' takes 3 inputs but receives 5 (input_features)");
        ObjectNode outs = TestModels.denseScaleJson();
        ((ArrayNode) outs.get("output_names")).add("y2");
        assertThatThrownBy(() -> build(outs, TestModels.denseScaleWeights()))
                .isInstanceOf(EngineException.class)
                .hasMessage("model.json: the last layer gives 2 outputs but output_names has 3");
    }

    @Test
    void missingTensorNamesFileTensorAndShape() {
        List<Tensor> w = new ArrayList<>(TestModels.denseScaleWeights());
        w.removeIf(t -> t.name().equals("head.bias"));
        assertThatThrownBy(() -> build(TestModels.denseScaleJson(), w))
                .isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: missing tensor 'head.bias' (expected shape [2])");
    }

    @Test
    void tensorShapeMismatchNamesExpectedAndActual() {
        List<Tensor> w = replace(TestModels.denseScaleWeights(),
                Tensor.f32("head.weight", new int[] {3, 2}, new float[6]));
        assertThatThrownBy(() -> build(TestModels.denseScaleJson(), w))
                .isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: tensor 'head.weight' has shape [3, 2], expected [2, 3]");
    }

    @Test
    void nonFiniteWeightsAreRefusedOnLoad() throws IOException {
        List<Tensor> w = replace(TestModels.denseScaleWeights(),
                Tensor.f32("norm.shift", new int[] {3}, new float[] {0, Float.POSITIVE_INFINITY, 0}));
        ModelFiles.write(dir, TestModels.denseScaleJson(), w, List.of());
        assertThatThrownBy(() -> ModelFiles.load(dir))
                .isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: tensor 'norm.shift' holds Infinity at flat index 1 (weights must be finite)");
        List<Tensor> nan = replace(TestModels.denseScaleWeights(),
                Tensor.f32("head.weight", new int[] {2, 3}, new float[] {0, 0, 0, 0, Float.NaN, 0}));
        assertThatThrownBy(() -> build(TestModels.denseScaleJson(), nan))
                .isInstanceOf(EngineException.class)
                .hasMessage("weights.safetensors: tensor 'head.weight' holds NaN at flat index 4 (weights must be finite)");
    }

    @Test
    void missingAndMistypedFieldsAreNamed() {
        ObjectNode json = TestModels.denseScaleJson();
        json.remove("input_features");
        assertThatThrownBy(() -> build(json, TestModels.denseScaleWeights()))
                .hasMessage("model.json: missing field 'input_features'");
        ObjectNode bad = TestModels.denseScaleJson();
        ((ObjectNode) bad.get("layers").get(1)).put("out", 0);
        assertThatThrownBy(() -> build(bad, TestModels.denseScaleWeights()))
                .hasMessage("model.json: layer 1 'head': field 'out' must be an integer in 1..65536, got 0");
        ObjectNode act = TestModels.denseScaleJson();
        ((ObjectNode) act.get("layers").get(1)).put("activation", "softmax");
        assertThatThrownBy(() -> build(act, TestModels.denseScaleWeights()))
                .hasMessageStartingWith("model.json: layer 1 'head': field 'activation' must be one of")
                .hasMessageEndingWith("got 'softmax'");
        ObjectNode rate = TestModels.denseScaleJson();
        rate.put("sample_rate_hz", -1);
        assertThatThrownBy(() -> build(rate, TestModels.denseScaleWeights()))
                .hasMessageStartingWith("model.json: field 'sample_rate_hz' must be a number in");
        ObjectNode noLayers = TestModels.denseScaleJson();
        noLayers.putArray("layers");
        assertThatThrownBy(() -> build(noLayers, TestModels.denseScaleWeights()))
                .hasMessage("model.json: field 'layers' must be an array of 1..64 layers");
    }
}
