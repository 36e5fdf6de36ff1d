package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.Layer;
import dev.quantumliquid.engine.model.LayerSource;

/** Builds an {@code ncps} layer (LTC or CfC, spec section 3) from its model.json object and weights. */
public final class NcpsLayers {
    private NcpsLayers() {
    }

    public static Layer create(LayerSource src) {
        throw new EngineException(src.where() + ": ncps layers are not implemented yet");
    }
}
