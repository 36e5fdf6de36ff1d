package dev.quantumliquid.engine.liquid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.model.Activation;
import dev.quantumliquid.engine.model.ModelFiles;
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
record NcpsSpec(Kind kind, int inputSize, Wiring wiring, boolean wired, boolean mixedMemory,
        Mapping inputMapping, Mapping outputMapping, int odeUnfolds, double epsilon, boolean implicitConstraints,
        Mode mode, Activation activation, int backboneUnits, int backboneLayers, double backboneDropout, int projSize) {

    static final int MAX_UNITS = 4096;
    static final int MAX_BACKBONE_UNITS = 16384;
    static final int MAX_BACKBONE_LAYERS = 64;
    static final int MAX_ODE_UNFOLDS = 1000;

    enum Kind { LTC, CFC }

    /** LTC input/output mapping: x*w + b, x*w, or x unchanged. */
    enum Mapping { AFFINE, LINEAR, NONE }

    enum Mode { DEFAULT, PURE, NO_GATE }

    private static final Set<String> COMMON = Set.of("class", "input_size", "units", "mixed_memory", "return_sequences",
            "batch_first", "state_size", "ncps_version");
    private static final Set<String> LTC_ONLY = Set.of("input_mapping", "output_mapping", "ode_unfolds", "epsilon",
            "implicit_param_constraints");
    private static final Set<String> CFC_ONLY = Set.of("proj_size", "mode", "activation", "backbone_units",
            "backbone_layers", "backbone_dropout");

    /** Hidden units N (the liquid state without a mixed-memory cell). */
    int units() {
        return wiring.units();
    }

    /** Reads the {@code spec} object of an ncps layer's model.json entry. */
    static NcpsSpec parse(JsonNode layer, String where) {
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
        int in = Json.requireInt(spec, "input_size", w, 1, ModelFiles.MAX_FEATURES);
        JsonNode u = Json.require(spec, "units", w);
        boolean wired = !u.isNumber();
        Wiring wiring = wired ? Wiring.parse(u, w + ".units", in, kind == Kind.CFC)
                : Wiring.fullyConnected(Json.requireInt(spec, "units", w, 1, MAX_UNITS));
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
            int k = Json.optInt(spec, "ode_unfolds", w, 1, MAX_ODE_UNFOLDS, 6);
            double eps = Json.optDouble(spec, "epsilon", w, 0.0, 1.0, 1e-8);
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
        int proj = Json.optInt(spec, "proj_size", w, 1, ModelFiles.MAX_FEATURES, 0);
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
        int bl = Json.optInt(spec, "backbone_layers", w, 0, MAX_BACKBONE_LAYERS, 1);
        int bu = Json.optInt(spec, "backbone_units", w, bl == 0 ? 0 : 1, MAX_BACKBONE_UNITS, 128);
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
    int backboneIndex(int l) {
        return l == 0 ? 0 : backboneDropout > 0.0 ? 3 * l - 1 : 2 * l;
    }
}
