package dev.quantumliquid.engine.layer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;

/**
 * Everything a layer needs to build itself: its model.json object, the weights file and the prefix of
 * its tensor names. {@code where} names the layer in error messages (e.g. "model.json: layer 1 'rnn'").
 */
public record LayerSource(String where, String name, JsonNode json, TensorFile weights, String prefix) {
    /** A required tensor of this layer with the given shape, finite. */
    public Tensor tensor(String relativeName, int... shape) {
        return weights.require(prefix + relativeName, shape);
    }

    public boolean has(String relativeName) {
        return weights.has(prefix + relativeName);
    }
}
