package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.feedforward.DenseLayer;
import dev.quantumliquid.engine.feedforward.ScaleLayer;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.liquid.NcpsLayers;
import dev.quantumliquid.engine.quantum.PqcLayer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The one map from a model.json layer {@code type} to the loader of its {@link LayerKind}s. */
public final class LayerRegistry {
    private static final Map<String, Function<LayerSource, Layer>> LOADERS = loaders(); // read-only after init
    private static final List<String> TYPES = List.copyOf(LOADERS.keySet());

    private LayerRegistry() {
    }

    private static Map<String, Function<LayerSource, Layer>> loaders() {
        Map<String, Function<LayerSource, Layer>> m = new LinkedHashMap<>();
        m.put(LayerKind.LTC.type(), NcpsLayers::create); // LTC, CfC and wired CfC by their spec
        m.put(LayerKind.PQC.type(), PqcLayer::create);
        m.put(LayerKind.DENSE.type(), DenseLayer::create);
        m.put(LayerKind.SCALE.type(), ScaleLayer::create);
        for (LayerKind k : LayerKind.values()) {
            if (!m.containsKey(k.type())) {
                throw new IllegalStateException("no loader for layer kind " + k);
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Builds the layer a model.json layer object describes, refusing an unknown type. */
    public static Layer load(LayerSource src) {
        String type = Json.requireText(src.json(), "type", src.where());
        Function<LayerSource, Layer> loader = LOADERS.get(type);
        if (loader == null) {
            throw new EngineException(src.where() + ": unknown layer type '" + Json.abbreviate(type) + "' (expected "
                    + String.join(", ", TYPES.subList(0, TYPES.size() - 1)) + " or " + TYPES.get(TYPES.size() - 1) + ")");
        }
        return loader.apply(src);
    }

    /** The model.json types, in {@link LayerKind} order. */
    public static List<String> types() {
        return TYPES;
    }
}
