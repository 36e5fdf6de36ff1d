package dev.quantumliquid.engine.liquid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import java.util.Arrays;

/**
 * The parts of an ncps wiring the engine uses: neuron count, motor (output) neurons and the sizes of
 * the wiring layers in order. The adjacency matrices are checked for shape and values only; the layer
 * masks are the stored tensors (they may have been pruned since the wiring was drawn).
 */
public record WiringShape(int units, int outputDim, int[] layerSizes) {
    public WiringShape {
        layerSizes = layerSizes.clone();
    }

    @Override
    public int[] layerSizes() {
        return layerSizes.clone();
    }

    /** What ncps 1.0.1 builds from an integer {@code units}: FullyConnected(units), one layer, all neurons motor. */
    public static WiringShape fullyConnected(int units) {
        return new WiringShape(units, units, new int[] {units});
    }

    public int layers() {
        return layerSizes.length;
    }

    public int lastLayerSize() {
        return layerSizes[layerSizes.length - 1];
    }

    /** Reads a wiring object (ncps WiringShape.get_config plus adjacency); {@code needLayers} for wired CfC. */
    public static WiringShape parse(JsonNode w, String where, int inputSize, boolean needLayers) {
        if (!w.isObject()) {
            throw new EngineException(where + ": must be an integer or a wiring object, got " + Json.abbreviate(w));
        }
        int units = Json.requireInt(w, "units", where, 1, NcpsSpec.MAX_UNITS);
        int outputDim = Json.requireInt(w, "output_dim", where, 1, units);
        JsonNode inputDim = w.get("input_dim");
        if (inputDim != null && !inputDim.isNull() && (!inputDim.canConvertToInt() || inputDim.asInt() != inputSize
                || !inputDim.isIntegralNumber())) {
            throw new EngineException(where + ": field 'input_dim' must equal input_size " + inputSize + ", got "
                    + Json.abbreviate(inputDim));
        }
        checkMatrix(w, "adjacency_matrix", where, units, units);
        checkMatrix(w, "sensory_adjacency_matrix", where, inputSize, units);
        JsonNode layers = w.get("layers");
        if (layers == null || layers.isNull()) {
            if (needLayers) {
                throw new EngineException(where
                        + ": missing field 'layers' (neuron ids per wiring layer), which a wired CfC needs");
            }
            return fullyConnected(units).withOutput(outputDim);
        }
        return new WiringShape(units, outputDim, layerSizes(w, layers, where, units));
    }

    private WiringShape withOutput(int outputDim) {
        return new WiringShape(units, outputDim, layerSizes);
    }

    private static int[] layerSizes(JsonNode w, JsonNode layers, String where, int units) {
        if (!layers.isArray() || layers.isEmpty() || layers.size() > units) {
            throw new EngineException(where + ": field 'layers' must be an array of 1.." + units
                    + " arrays of neuron ids, got " + Json.abbreviate(layers));
        }
        int n = Json.optInt(w, "num_layers", where, 1, units, layers.size());
        if (n != layers.size()) {
            throw new EngineException(where + ": field 'num_layers' is " + n + " but 'layers' lists " + layers.size());
        }
        int[] sizes = new int[n];
        boolean[] seen = new boolean[units];
        int expect = 0;
        for (int l = 0; l < n; l++) {
            JsonNode ids = layers.get(l);
            if (!ids.isArray() || ids.isEmpty()) {
                throw new EngineException(where + ": field 'layers' entry " + l
                        + " must be a non-empty array of neuron ids, got " + Json.abbreviate(ids));
            }
            for (JsonNode id : ids) {
                if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= units
                        || seen[id.asInt()]) {
                    throw new EngineException(where + ": field 'layers' entry " + l + " holds " + Json.abbreviate(id)
                            + " (neuron ids must be distinct integers in 0.." + (units - 1) + ")");
                }
                seen[id.asInt()] = true;
            }
            sizes[l] = ids.size();
            expect += ids.size();
        }
        if (expect != units) {
            throw new EngineException(where + ": field 'layers' covers " + expect + " of the " + units + " neurons");
        }
        return sizes;
    }

    private static void checkMatrix(JsonNode w, String field, String where, int rows, int cols) {
        JsonNode m = Json.require(w, field, where);
        if (!m.isArray() || m.size() != rows) {
            throw new EngineException(where + ": field '" + field + "' must be a [" + rows + "][" + cols
                    + "] array, got " + (m.isArray() ? m.size() + " rows" : Json.abbreviate(m)));
        }
        for (int r = 0; r < rows; r++) {
            JsonNode row = m.get(r);
            if (!row.isArray() || row.size() != cols) {
                throw new EngineException(where + ": field '" + field + "' row " + r + " must hold " + cols
                        + " entries, got " + (row.isArray() ? row.size() : Json.abbreviate(row)));
            }
            for (int c = 0; c < cols; c++) {
                JsonNode v = row.get(c);
                if (!v.isNumber() || (v.asDouble() != -1 && v.asDouble() != 0 && v.asDouble() != 1)) {
                    throw new EngineException(where + ": field '" + field + "' [" + r + "][" + c
                            + "] must be -1, 0 or 1, got " + Json.abbreviate(v));
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WiringShape w && w.units == units && w.outputDim == outputDim
                && Arrays.equals(w.layerSizes, layerSizes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * units + outputDim) + Arrays.hashCode(layerSizes);
    }

    @Override
    public String toString() {
        return "WiringShape[units=" + units + ", outputDim=" + outputDim + ", layers=" + Arrays.toString(layerSizes) + "]";
    }
}
