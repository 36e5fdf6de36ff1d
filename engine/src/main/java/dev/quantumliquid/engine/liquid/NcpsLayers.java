package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;

/** Builds an {@code ncps} layer (LTC or CfC, spec section 3) from its model.json object and weights. */
public final class NcpsLayers {
    private NcpsLayers() {
    }

    /** Reads {@code spec} (ncps 1.0.1 defaults for missing options) and the layer's state_dict tensors. */
    public static Layer create(LayerSource src) {
        NcpsSpec spec = NcpsSpec.parse(src.json(), src.where());
        if (spec.kind() == NcpsSpec.Kind.LTC) {
            return LtcLayer.load(src, spec);
        }
        return spec.wired() ? WiredCfcLayer.load(src, spec) : CfcLayer.load(src, spec);
    }
}
