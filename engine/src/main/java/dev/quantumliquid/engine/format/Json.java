package dev.quantumliquid.engine.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.EngineException;
import java.util.Arrays;
import java.util.List;

/** Field readers for untrusted JSON objects: each refusal names where, the field, the limit and what was found. */
public final class Json {
    private Json() {
    }

    public static JsonNode require(JsonNode obj, String field, String where) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw new EngineException(where + ": missing field '" + field + "'");
        }
        return n;
    }

    public static int requireInt(JsonNode obj, String field, String where, int min, int max) {
        return checkInt(require(obj, field, where), field, where, min, max);
    }

    public static int optInt(JsonNode obj, String field, String where, int min, int max, int dflt) {
        JsonNode n = obj.get(field);
        return n == null || n.isNull() ? dflt : checkInt(n, field, where, min, max);
    }

    private static int checkInt(JsonNode n, String field, String where, int min, int max) {
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new EngineException(where + ": field '" + field + "' must be an integer in " + min + ".." + max
                    + ", got " + abbreviate(n));
        }
        return (int) n.asLong();
    }

    public static double requireDouble(JsonNode obj, String field, String where, double min, double max) {
        return checkDouble(require(obj, field, where), field, where, min, max);
    }

    public static double optDouble(JsonNode obj, String field, String where, double min, double max, double dflt) {
        JsonNode n = obj.get(field);
        return n == null || n.isNull() ? dflt : checkDouble(n, field, where, min, max);
    }

    private static double checkDouble(JsonNode n, String field, String where, double min, double max) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < min || n.asDouble() > max) {
            throw new EngineException(where + ": field '" + field + "' must be a number in [" + min + ", " + max
                    + "], got " + abbreviate(n));
        }
        return n.asDouble();
    }

    public static String requireText(JsonNode obj, String field, String where) {
        JsonNode n = require(obj, field, where);
        if (!n.isTextual()) {
            throw new EngineException(where + ": field '" + field + "' must be a string, got " + abbreviate(n));
        }
        return n.asText();
    }

    public static String optText(JsonNode obj, String field, String where, String dflt) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new EngineException(where + ": field '" + field + "' must be a string, got " + abbreviate(n));
        }
        return n.asText();
    }

    /** A string field restricted to the given choices. */
    public static String optChoice(JsonNode obj, String field, String where, String dflt, String... choices) {
        String v = optText(obj, field, where, dflt);
        if (!Arrays.asList(choices).contains(v)) {
            throw new EngineException(where + ": field '" + field + "' must be one of " + List.of(choices) + ", got '"
                    + abbreviate(v) + "'");
        }
        return v;
    }

    public static boolean optBool(JsonNode obj, String field, String where, boolean dflt) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new EngineException(where + ": field '" + field + "' must be true or false, got " + abbreviate(n));
        }
        return n.asBoolean();
    }

    /** Shortens echoed untrusted values so an error stays one readable line. */
    public static String abbreviate(Object o) {
        String s = String.valueOf(o).replaceAll("\\p{Cntrl}", " ");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
