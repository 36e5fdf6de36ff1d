package dev.quantumliquid.engine.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The descriptive part of model.json (everything but the layers' numbers). */
public record ModelInfo(String name, String description, int inputFeatures, List<String> outputNames,
        double sampleRateHz, String energyProfile, ObjectNode json) {
    public ModelInfo {
        outputNames = List.copyOf(outputNames);
    }
}
