package dev.quantumliquid.engine.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.EngineException;
import java.util.Arrays;
import java.util.List;

/** Field readers for untrusted JSON objects: each refusal names where, the field, the limit and what was found. */
public final class Json {
    // SnakeYAML's marks: " in 'reader', line 2, column 1:" (1-based), each followed by the echoed line and a caret.
    private static final java.util.regex.Pattern YAML_MARK = java.util.regex.Pattern.compile(
            "^\\s*in '[^']*', line (\\d+), column (\\d+):$");

    private Json() {
    }

    /**
     * A JSON or YAML parse error as one line a user can act on: the parser's words with the line and
     * column of each place it names, without Jackson's source description ("Source: REDACTED ...") and
     * without SnakeYAML's echo of the offending text (which spans lines).
     */
    public static String parseError(com.fasterxml.jackson.core.JsonProcessingException e) {
        String msg = String.valueOf(e.getOriginalMessage());
        if (msg.contains("\n")) {
            StringBuilder sb = new StringBuilder();
            boolean afterMark = false;
            for (String line : msg.split("\r?\n")) {
                java.util.regex.Matcher m = YAML_MARK.matcher(line);
                if (m.matches()) {
                    sb.append(" (line ").append(m.group(1)).append(", column ").append(m.group(2)).append(')');
                    afterMark = true;
                } else if (afterMark && (line.isBlank() || line.startsWith("    ") || line.strip().equals("^"))) {
                    continue; // the echoed text and its caret
                } else if (!line.isBlank()) {
                    sb.append(sb.length() == 0 ? "" : ": ").append(line.strip());
                    afterMark = false;
                }
            }
            return clip(sb.toString());
        }
        msg = msg.replaceAll("\\[Source: [^;\\]]*; ", "[");
        var at = e.getLocation();
        return clip(at == null || at.getLineNr() < 1 ? msg : msg + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    private static String clip(String s) {
        String one = s.replaceAll("\\p{Cntrl}", " ");
        return one.length() > 240 ? one.substring(0, 237) + "..." : one;
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
