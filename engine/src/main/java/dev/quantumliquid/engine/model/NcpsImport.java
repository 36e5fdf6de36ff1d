package dev.quantumliquid.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an ncps module exported as spec.json + state_dict safetensors (the fixtures' format, and
 * what tools/ncps_export.py writes) into a single-layer model of the qlnn format.
 */
public final class NcpsImport {
    /** Name of the one layer an imported model has; its tensors keep their ncps names (prefix ""). */
    public static final String LAYER_NAME = "rnn";

    private NcpsImport() {
    }

    /** The rate model.json states when the importer is given none. */
    public static final double DEFAULT_SAMPLE_RATE_HZ = 10.0;

    /**
     * What model.json says about an imported module beyond its layer: a description (empty: "imported
     * from ncps VERSION CLASS"), the rate it will run at, and the names of its inputs and outputs
     * (empty: input names unstated, outputs y0, y1, ...).
     */
    public record Meta(String name, String description, double sampleRateHz, List<String> inputNames, List<String> outputNames) {
        public Meta {
            inputNames = List.copyOf(inputNames);
            outputNames = List.copyOf(outputNames);
        }

        /** Only a name: everything else as described above. */
        public static Meta named(String name) {
            return new Meta(name, "", DEFAULT_SAMPLE_RATE_HZ, List.of(), List.of());
        }
    }

    /** The model.json object (without checksums) for a model made of this one ncps module. */
    public static ObjectNode modelJson(String name, JsonNode spec, TensorFile weights) {
        return modelJson(Meta.named(name), spec, weights);
    }

    /** The model.json object (without checksums) for a model made of this one ncps module. */
    public static ObjectNode modelJson(Meta meta, JsonNode spec, TensorFile weights) {
        if (!spec.isObject()) {
            throw new EngineException("spec.json: must hold a JSON object");
        }
        ObjectNode layer = JsonNodeFactory.instance.objectNode();
        layer.put("type", "ncps");
        layer.put("name", LAYER_NAME);
        layer.put("weights_prefix", "");
        layer.set("spec", spec.deepCopy());
        Layer built = LayerRegistry.load(new LayerSource("spec.json", LAYER_NAME, layer, weights, ""));
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", meta.name());
        root.put("description", !meta.description().isEmpty() ? meta.description()
                : "imported from ncps " + Json.optText(spec, "ncps_version", "spec.json", "(version unknown)")
                + " " + Json.optText(spec, "class", "spec.json", "?"));
        root.put("input_features", built.inputSize());
        if (!meta.inputNames().isEmpty()) {
            names(root.putArray(ModelFiles.INPUT_NAMES), meta.inputNames(), built.inputSize(), "--input-names", "inputs");
        }
        var outs = root.putArray("output_names");
        if (!meta.outputNames().isEmpty()) {
            names(outs, meta.outputNames(), built.outputSize(), "--output-names", "outputs");
        } else {
            for (int i = 0; i < built.outputSize(); i++) {
                outs.add("y" + i);
            }
        }
        root.put("sample_rate_hz", meta.sampleRateHz());
        root.put("energy_profile", "cortex-m4f");
        root.putArray("layers").add(layer);
        root.put("weights", "weights.safetensors");
        return root;
    }

    private static void names(ArrayNode into, List<String> names, int count, String option, String what) {
        if (names.size() != count) {
            throw new EngineException(option + ": the module has " + count + " " + what + ", got " + names.size() + " names");
        }
        names.forEach(into::add);
    }

    /** Builds the model in memory (no files). */
    public static Model toModel(String name, JsonNode spec, TensorFile weights) {
        return ModelFiles.build(modelJson(name, spec, weights), weights);
    }

    /** Writes a loadable version folder (model.json with checksums + weights) to {@code out}. */
    public static void write(Path out, String name, JsonNode spec, TensorFile weights) {
        write(out, Meta.named(name), spec, weights);
    }

    /** Writes a loadable version folder (model.json with checksums + weights) to {@code out}. */
    public static void write(Path out, Meta meta, JsonNode spec, TensorFile weights) {
        ObjectNode root = modelJson(meta, spec, weights);
        ModelFiles.build(root, weights); // refuse before writing anything
        List<Tensor> tensors = new ArrayList<>(weights.tensors().values());
        ModelFiles.write(out, root, tensors, List.of());
    }
}
