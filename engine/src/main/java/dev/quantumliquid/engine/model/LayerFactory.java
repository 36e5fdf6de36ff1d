package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.liquid.NcpsLayers;
import dev.quantumliquid.engine.quantum.PqcLayer;

/** Maps a model.json layer "type" to its implementation. */
final class LayerFactory {
    private LayerFactory() {
    }

    static Layer create(LayerSource src) {
        String type = Json.requireText(src.json(), "type", src.where());
        return switch (type) {
            case "ncps" -> NcpsLayers.create(src);
            case "pqc" -> PqcLayer.create(src);
            case "dense" -> DenseLayer.create(src);
            case "scale" -> ScaleLayer.create(src);
            default -> throw new EngineException(src.where() + ": unknown layer type '" + Json.abbreviate(type)
                    + "' (expected ncps, pqc, dense or scale)");
        };
    }
}
