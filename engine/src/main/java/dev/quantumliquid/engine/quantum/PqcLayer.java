package dev.quantumliquid.engine.quantum;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.Layer;
import dev.quantumliquid.engine.model.LayerSource;

/** The {@code pqc} layer: a parameterised quantum circuit simulated exactly (spec section 4). */
public final class PqcLayer {
    private PqcLayer() {
    }

    public static Layer create(LayerSource src) {
        throw new EngineException(src.where() + ": pqc layers are not implemented yet");
    }
}
