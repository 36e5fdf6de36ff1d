package dev.quantumliquid.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The descriptive part of model.json (everything but the layers' numbers). */
public record ModelInfo(String name, String description, int inputFeatures, List<String> outputNames,
        double sampleRateHz, String energyProfile, ObjectNode json) {
    public ModelInfo {
        outputNames = List.copyOf(outputNames);
    }

    /**
     * The input features' names in order, from model.json's optional {@code input_names} (checked by
     * the loader: one distinct name per input feature); empty when the file names none.
     */
    public List<String> inputNames() {
        JsonNode n = json.path(ModelFiles.INPUT_NAMES);
        if (!n.isArray()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(n.size());
        n.forEach(e -> names.add(e.asText()));
        return List.copyOf(names);
    }
}
