package dev.quantumliquid.engine.layer;

/**
 * The kinds of layer the format knows, each with the model.json {@code type} it is stored under. The
 * three ncps kinds share the type {@code ncps}; their spec object tells them apart.
 */
public enum LayerKind {
    /** ncps LTC over a wiring (spec section 3). */
    LTC("ncps"),
    /** ncps CfC, unwired: backbone then heads. */
    CFC("ncps"),
    /** ncps CfC over a wiring: one CfC cell per wiring layer, no backbone. */
    WIRED_CFC("ncps"),
    /** Parameterised quantum circuit, simulated (spec section 4). */
    PQC("pqc"),
    /** Fully connected layer with an activation. */
    DENSE("dense"),
    /** Elementwise affine scaling. */
    SCALE("scale");

    private final String type;

    LayerKind(String type) {
        this.type = type;
    }

    /** The model.json {@code type} of this kind. */
    public String type() {
        return type;
    }
}
