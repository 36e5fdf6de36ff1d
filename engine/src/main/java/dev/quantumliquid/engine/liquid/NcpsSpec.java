package dev.quantumliquid.engine.liquid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.ParamSpec;
import dev.quantumliquid.engine.layer.ParamTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The constructor arguments of an ncps 1.0.1 module (spec section 3), checked, with the ncps 1.0.1
 * defaults filled in for missing options: LTC(input_mapping="affine", output_mapping="affine",
 * ode_unfolds=6, epsilon=1e-8, implicit_param_constraints=True, mixed_memory=False) and CfC(
 * proj_size=None, mixed_memory=False, mode="default", activation="lecun_tanh", backbone_units=128,
 * backbone_layers=1, backbone_dropout=0.0). An integer {@code units} is FullyConnected(units) for LTC and
 * the unwired CfCCell for CfC; a wiring object makes a WiredCfCCell (no backbone).
 */
public record NcpsSpec(Kind kind, int inputSize, WiringShape wiring, boolean wired, boolean mixedMemory,
        Mapping inputMapping, Mapping outputMapping, int odeUnfolds, double epsilon, boolean implicitConstraints,
        Mode mode, Activation activation, int backboneUnits, int backboneLayers, double backboneDropout, int projSize) {

    public static final int MAX_UNITS = 4096;
    public static final int MAX_BACKBONE_UNITS = 16384;
    public static final int MAX_BACKBONE_LAYERS = 64;
    public static final int MAX_ODE_UNFOLDS = 1000;

    /** ncps 1.0.1 defaults. */
    public static final int DEFAULT_ODE_UNFOLDS = 6;
    public static final double DEFAULT_EPSILON = 1e-8;
    public static final int DEFAULT_BACKBONE_UNITS = 128;
    public static final int DEFAULT_BACKBONE_LAYERS = 1;

    /** Tensor names (state_dict keys relative to the layer prefix). */
    public static final String CELL = "rnn_cell.";
    public static final String LTC_GLEAK = CELL + "gleak";
    public static final String LTC_VLEAK = CELL + "vleak";
    public static final String LTC_CM = CELL + "cm";
    public static final String LTC_SIGMA = CELL + "sigma";
    public static final String LTC_MU = CELL + "mu";
    public static final String LTC_W = CELL + "w";
    public static final String LTC_EREV = CELL + "erev";
    public static final String LTC_SENSORY_SIGMA = CELL + "sensory_sigma";
    public static final String LTC_SENSORY_MU = CELL + "sensory_mu";
    public static final String LTC_SENSORY_W = CELL + "sensory_w";
    public static final String LTC_SENSORY_EREV = CELL + "sensory_erev";
    public static final String LTC_MASK = CELL + "sparsity_mask";
    public static final String LTC_SENSORY_MASK = CELL + "sensory_sparsity_mask";
    public static final String LTC_INPUT_W = CELL + "input_w";
    public static final String LTC_INPUT_B = CELL + "input_b";
    public static final String LTC_OUTPUT_W = CELL + "output_w";
    public static final String LTC_OUTPUT_B = CELL + "output_b";
    public static final String LSTM_INPUT_W = "lstm.input_map.weight";
    public static final String LSTM_INPUT_B = "lstm.input_map.bias";
    public static final String LSTM_RECURRENT_W = "lstm.recurrent_map.weight";
    public static final String CFC_TAU = CELL + "w_tau";
    public static final String CFC_AMP = CELL + "A";
    public static final String PROJ_W = "fc.weight";
    public static final String PROJ_B = "fc.bias";

    /** The ncps module class. */
    public enum Kind { LTC, CFC }

    /** LTC input/output mapping: x*w + b, x*w, or x unchanged. */
    public enum Mapping {
        AFFINE, LINEAR, NONE;

        /** The mapping of an ncps name (affine, linear or none). */
        public static Mapping of(String ncpsName) {
            for (Mapping m : values()) {
                if (m.json().equals(ncpsName)) {
                    return m;
                }
            }
            throw new EngineException("LTC mapping must be affine, linear or none, got '" + Json.abbreviate(ncpsName) + "'");
        }

        /** The ncps spelling. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** CfC mode. */
    public enum Mode {
        DEFAULT, PURE, NO_GATE;

        /** The mode of an ncps name (default, pure or no_gate). */
        public static Mode of(String ncpsName) {
            for (Mode m : values()) {
                if (m.json().equals(ncpsName)) {
                    return m;
                }
            }
            throw new EngineException("CfC mode must be default, pure or no_gate, got '" + Json.abbreviate(ncpsName) + "'");
        }

        /** The ncps spelling. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NcpsSpec {
        check("input_size", inputSize, 1, Layer.MAX_FEATURES);
        check("units", wiring.units(), 1, MAX_UNITS);
        if (kind == Kind.LTC) {
            check("ode_unfolds", odeUnfolds, 1, MAX_ODE_UNFOLDS);
            if (!(epsilon >= 0.0 && epsilon <= 1.0)) {
                throw new EngineException("spec: field 'epsilon' must be in [0, 1], got " + epsilon);
            }
        } else if (!wired) {
            check("backbone_layers", backboneLayers, 0, MAX_BACKBONE_LAYERS);
            check("backbone_units", backboneUnits, backboneLayers == 0 ? 0 : 1, MAX_BACKBONE_UNITS);
            if (!(backboneDropout >= 0.0 && backboneDropout < 1.0)) {
                throw new EngineException("spec: field 'backbone_dropout' must be in [0, 1), got " + backboneDropout);
            }
        }
        check("proj_size", projSize, 0, Layer.MAX_FEATURES);
    }

    private static void check(String field, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new EngineException("spec: field '" + field + "' must be in " + lo + ".." + hi + ", got " + v);
        }
    }

    /** An LTC over the given wiring (FullyConnected(units) when {@code wired} is false). */
    public static NcpsSpec ltc(int inputSize, WiringShape wiring, boolean wired, Mapping inputMapping,
            Mapping outputMapping, int odeUnfolds, double epsilon, boolean implicitConstraints, boolean mixedMemory) {
        return new NcpsSpec(Kind.LTC, inputSize, wiring, wired, mixedMemory, inputMapping, outputMapping, odeUnfolds,
                epsilon, implicitConstraints, Mode.DEFAULT, Activation.LECUN_TANH, 0, 0, 0.0, 0);
    }

    /** An LTC with ncps's defaults for the options besides the wiring: affine mappings, 6 unfolds, implicit constraints. */
    public static NcpsSpec ltc(int inputSize, WiringShape wiring, boolean wired, boolean mixedMemory) {
        return ltc(inputSize, wiring, wired, Mapping.AFFINE, Mapping.AFFINE, DEFAULT_ODE_UNFOLDS, DEFAULT_EPSILON, true,
                mixedMemory);
    }

    /** An unwired CfC (CfCCell with a backbone). */
    public static NcpsSpec cfc(int inputSize, int units, Mode mode, Activation activation, int backboneUnits,
            int backboneLayers, double backboneDropout, boolean mixedMemory, int projSize) {
        return new NcpsSpec(Kind.CFC, inputSize, WiringShape.fullyConnected(units), false, mixedMemory, Mapping.NONE,
                Mapping.NONE, 0, 0.0, false, mode, activation, backboneLayers == 0 ? 0 : backboneUnits, backboneLayers,
                backboneDropout, projSize);
    }

    /** Which of the three ncps layer kinds this spec makes. */
    public LayerKind layerKind() {
        return kind == Kind.LTC ? LayerKind.LTC : wired ? LayerKind.WIRED_CFC : LayerKind.CFC;
    }

    /** Outputs of the module: motor neurons for LTC, the projection or the last wiring layer for CfC. */
    public int outputSize() {
        if (kind == Kind.LTC) {
            return wiring.outputDim();
        }
        return projSize > 0 ? projSize : wired ? wiring.lastLayerSize() : units();
    }

    private static final Set<String> COMMON = Set.of("class", "input_size", "units", "mixed_memory", "return_sequences",
            "batch_first", "state_size", "ncps_version");
    private static final Set<String> LTC_ONLY = Set.of("input_mapping", "output_mapping", "ode_unfolds", "epsilon",
            "implicit_param_constraints");
    private static final Set<String> CFC_ONLY = Set.of("proj_size", "mode", "activation", "backbone_units",
            "backbone_layers", "backbone_dropout");

    /** Hidden units N (the liquid state without a mixed-memory cell). */
    public int units() {
        return wiring.units();
    }

    /** Reads the {@code spec} object of an ncps layer's model.json entry. */
    public static NcpsSpec parse(JsonNode layer, String where) {
        JsonNode spec = Json.require(layer, "spec", where);
        String w = where + ": spec";
        if (!spec.isObject()) {
            throw new EngineException(w + " must be an object, got " + Json.abbreviate(spec));
        }
        String cls = Json.requireText(spec, "class", w);
        Kind kind = switch (cls) {
            case "LTC" -> Kind.LTC;
            case "CfC" -> Kind.CFC;
            default -> throw new EngineException(w + ": field 'class' must be one of [LTC, CfC], got '"
                    + Json.abbreviate(cls) + "'");
        };
        checkKeys(spec, w, kind);
        int in = Json.requireInt(spec, "input_size", w, 1, Layer.MAX_FEATURES);
        JsonNode u = Json.require(spec, "units", w);
        boolean wired = !u.isNumber();
        WiringShape wiring = wired ? WiringShape.parse(u, w + ".units", in, kind == Kind.CFC)
                : WiringShape.fullyConnected(Json.requireInt(spec, "units", w, 1, MAX_UNITS));
        boolean mixed = Json.optBool(spec, "mixed_memory", w, false);
        Json.optBool(spec, "return_sequences", w, true);
        Json.optBool(spec, "batch_first", w, true);
        Json.optText(spec, "ncps_version", w, "");
        int stateSize = Json.optInt(spec, "state_size", w, 1, MAX_UNITS, wiring.units());
        if (stateSize != wiring.units()) {
            throw new EngineException(w + ": field 'state_size' is " + stateSize + " but the units give " + wiring.units());
        }
        if (kind == Kind.LTC) {
            Mapping im = mapping(spec, "input_mapping", w);
            Mapping om = mapping(spec, "output_mapping", w);
            int k = Json.optInt(spec, "ode_unfolds", w, 1, MAX_ODE_UNFOLDS, DEFAULT_ODE_UNFOLDS);
            double eps = Json.optDouble(spec, "epsilon", w, 0.0, 1.0, DEFAULT_EPSILON);
            boolean implicit = Json.optBool(spec, "implicit_param_constraints", w, true);
            return new NcpsSpec(kind, in, wiring, wired, mixed, im, om, k, eps, implicit, Mode.DEFAULT,
                    Activation.LECUN_TANH, 0, 0, 0.0, 0);
        }
        Mode mode = switch (Json.optChoice(spec, "mode", w, "default", "default", "pure", "no_gate")) {
            case "pure" -> Mode.PURE;
            case "no_gate" -> Mode.NO_GATE;
            default -> Mode.DEFAULT;
        };
        Activation act = Activation.parse(Json.optChoice(spec, "activation", w, "lecun_tanh",
                "lecun_tanh", "silu", "relu", "tanh", "gelu"), w);
        int proj = Json.optInt(spec, "proj_size", w, 1, Layer.MAX_FEATURES, 0);
        if (wired) {
            for (String f : List.of("backbone_units", "backbone_layers", "backbone_dropout")) {
                if (spec.hasNonNull(f)) {
                    throw new EngineException(w + ": field '" + f + "' must be absent for a wired CfC (ncps 1.0.1 refuses"
                            + " it: wired cells have no backbone), got " + Json.abbreviate(spec.get(f)));
                }
            }
            return new NcpsSpec(kind, in, wiring, true, mixed, Mapping.NONE, Mapping.NONE, 0, 0.0, false, mode, act,
                    0, 0, 0.0, proj);
        }
        int bl = Json.optInt(spec, "backbone_layers", w, 0, MAX_BACKBONE_LAYERS, DEFAULT_BACKBONE_LAYERS);
        int bu = Json.optInt(spec, "backbone_units", w, bl == 0 ? 0 : 1, MAX_BACKBONE_UNITS, DEFAULT_BACKBONE_UNITS);
        double drop = Json.optDouble(spec, "backbone_dropout", w, 0.0, 0.999999, 0.0);
        return new NcpsSpec(kind, in, wiring, false, mixed, Mapping.NONE, Mapping.NONE, 0, 0.0, false, mode, act,
                bu, bl, drop, proj);
    }

    private static Mapping mapping(JsonNode spec, String field, String where) {
        return switch (Json.optChoice(spec, field, where, "affine", "affine", "linear", "none")) {
            case "linear" -> Mapping.LINEAR;
            case "none" -> Mapping.NONE;
            default -> Mapping.AFFINE;
        };
    }

    private static void checkKeys(JsonNode spec, String where, Kind kind) {
        Set<String> own = kind == Kind.LTC ? LTC_ONLY : CFC_ONLY;
        for (Iterator<String> it = spec.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (COMMON.contains(f) || own.contains(f)) {
                continue;
            }
            List<String> allowed = new ArrayList<>(COMMON);
            allowed.addAll(own);
            allowed.sort(null);
            String self = kind == Kind.LTC ? "LTC" : "CfC";
            String other = (kind == Kind.LTC ? CFC_ONLY : LTC_ONLY).contains(f)
                    ? " (an option of " + (kind == Kind.LTC ? "CfC" : "LTC") + ", not of " + self + ")"
                    : "";
            throw new EngineException(where + ": unknown field '" + Json.abbreviate(f) + "'" + other + "; " + self
                    + " takes " + allowed);
        }
    }

    /** Sequential index of backbone linear layer l: 0, 2, 4, ... without dropout; 0, 2, 5, 8, ... with it. */
    public int backboneIndex(int l) {
        return l == 0 ? 0 : backboneDropout > 0.0 ? 3 * l - 1 : 2 * l;
    }

    /**
     * The ncps spec object of this module, as model.json stores it; {@code units} is the integer unit
     * count or the wiring object the module was drawn from (kept verbatim: the engine reads only its shape).
     */
    public ObjectNode toJson(JsonNode units) {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("class", kind == Kind.LTC ? "LTC" : "CfC").put("input_size", inputSize);
        j.set("units", units.deepCopy());
        switch (layerKind()) {
            case LTC -> j.put("input_mapping", inputMapping.json()).put("output_mapping", outputMapping.json())
                    .put("ode_unfolds", odeUnfolds).put("epsilon", epsilon)
                    .put("implicit_param_constraints", implicitConstraints).put("mixed_memory", mixedMemory)
                    .put("return_sequences", true);
            case CFC -> j.put("mode", mode.json()).put("activation", activation.name().toLowerCase(java.util.Locale.ROOT))
                    .put("backbone_units", backboneUnits).put("backbone_layers", backboneLayers)
                    .put("backbone_dropout", backboneDropout).put("mixed_memory", mixedMemory).put("return_sequences", true);
            case WIRED_CFC -> {
                j.put("mode", mode.json());
                if (activation != Activation.LECUN_TANH) {
                    j.put("activation", activation.name().toLowerCase(java.util.Locale.ROOT));
                }
                j.put("mixed_memory", mixedMemory).put("return_sequences", true);
            }
            default -> throw new IllegalStateException("not an ncps kind: " + layerKind());
        }
        if (kind == Kind.CFC && projSize > 0) {
            j.put("proj_size", projSize);
        }
        return j;
    }

    /** Name prefix of backbone linear layer l (CfC). */
    public String backbone(int l) {
        return CELL + "backbone." + backboneIndex(l) + ".";
    }

    /** CfC head names: ff1 only in pure mode, else ff1, ff2, time_a, time_b. */
    public List<String> heads() {
        return mode == Mode.PURE ? List.of("ff1") : List.of("ff1", "ff2", "time_a", "time_b");
    }

    /** Name prefix of wired CfC layer l. */
    public static String wiredLayer(int l) {
        return CELL + "layer_" + l + ".";
    }

    /**
     * The module's tensors in state_dict order, which is also the order a fresh module draws its
     * initial values and lays out its trainable values.
     */
    public ParamTable parameters() {
        List<ParamSpec> p = new ArrayList<>();
        int n = units();
        int s = inputSize;
        switch (layerKind()) {
            case LTC -> {
                int m = wiring.outputDim();
                for (String t : List.of(LTC_GLEAK, LTC_VLEAK, LTC_CM)) {
                    p.add(new ParamSpec(t, new int[] {n}, true));
                }
                for (String t : List.of(LTC_SIGMA, LTC_MU, LTC_W, LTC_EREV)) {
                    p.add(new ParamSpec(t, new int[] {n, n}, true));
                }
                for (String t : List.of(LTC_SENSORY_SIGMA, LTC_SENSORY_MU, LTC_SENSORY_W, LTC_SENSORY_EREV)) {
                    p.add(new ParamSpec(t, new int[] {s, n}, true));
                }
                p.add(new ParamSpec(LTC_MASK, new int[] {n, n}, false));
                p.add(new ParamSpec(LTC_SENSORY_MASK, new int[] {s, n}, false));
                if (inputMapping != Mapping.NONE) {
                    p.add(new ParamSpec(LTC_INPUT_W, new int[] {s}, true));
                }
                if (inputMapping == Mapping.AFFINE) {
                    p.add(new ParamSpec(LTC_INPUT_B, new int[] {s}, true));
                }
                if (outputMapping != Mapping.NONE) {
                    p.add(new ParamSpec(LTC_OUTPUT_W, new int[] {m}, true));
                }
                if (outputMapping == Mapping.AFFINE) {
                    p.add(new ParamSpec(LTC_OUTPUT_B, new int[] {m}, true));
                }
                if (mixedMemory) {
                    mixedMemory(p, s, n);
                }
            }
            case CFC -> {
                if (mixedMemory) {
                    mixedMemory(p, s, n);
                }
                int width = s + n;
                for (int l = 0; l < backboneLayers; l++) {
                    p.add(new ParamSpec(backbone(l) + "weight", new int[] {backboneUnits, width}, true));
                    p.add(new ParamSpec(backbone(l) + "bias", new int[] {backboneUnits}, true));
                    width = backboneUnits;
                }
                for (String head : heads()) {
                    p.add(new ParamSpec(CELL + head + ".weight", new int[] {n, width}, true));
                    p.add(new ParamSpec(CELL + head + ".bias", new int[] {n}, true));
                }
                if (mode == Mode.PURE) {
                    p.add(new ParamSpec(CFC_TAU, new int[] {1, n}, true));
                    p.add(new ParamSpec(CFC_AMP, new int[] {1, n}, true));
                }
                if (projSize > 0) {
                    p.add(new ParamSpec(PROJ_W, new int[] {projSize, n}, true));
                    p.add(new ParamSpec(PROJ_B, new int[] {projSize}, true));
                }
            }
            case WIRED_CFC -> {
                int inL = s;
                int[] sizes = wiring.layerSizes();
                for (int l = 0; l < sizes.length; l++) {
                    int ln = sizes[l];
                    for (String head : heads()) {
                        p.add(new ParamSpec(wiredLayer(l) + head + ".weight", new int[] {ln, inL + ln}, true));
                        p.add(new ParamSpec(wiredLayer(l) + head + ".bias", new int[] {ln}, true));
                    }
                    if (mode == Mode.PURE) {
                        p.add(new ParamSpec(wiredLayer(l) + "w_tau", new int[] {1, ln}, true));
                        p.add(new ParamSpec(wiredLayer(l) + "A", new int[] {1, ln}, true));
                    }
                    p.add(new ParamSpec(wiredLayer(l) + "sparsity_mask", new int[] {ln, inL + ln}, false));
                    inL = ln;
                }
                if (mixedMemory) {
                    mixedMemory(p, s, n);
                }
                if (projSize > 0) {
                    p.add(new ParamSpec(PROJ_W, new int[] {projSize, inL}, true));
                    p.add(new ParamSpec(PROJ_B, new int[] {projSize}, true));
                }
            }
            default -> throw new IllegalStateException("not an ncps kind: " + layerKind());
        }
        return new ParamTable(p);
    }

    private static void mixedMemory(List<ParamSpec> p, int in, int n) {
        p.add(new ParamSpec(LSTM_INPUT_W, new int[] {4 * n, in}, true));
        p.add(new ParamSpec(LSTM_INPUT_B, new int[] {4 * n}, true));
        p.add(new ParamSpec(LSTM_RECURRENT_W, new int[] {4 * n, n}, true));
    }
}
