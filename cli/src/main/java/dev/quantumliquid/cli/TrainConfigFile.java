package dev.quantumliquid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.train.TrainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code qlnn train --config FILE}: a YAML (.yaml, .yml) or JSON (.json) mapping whose keys are the
 * command's long option names without the dashes ({@code window: 32}, {@code features: [x]},
 * {@code dt-column: dt}; an underscore may stand for the inner dash). Each value is applied to the
 * option unless the option was given on the command line, which wins. Types follow the options: whole
 * numbers, numbers, true/false, text, lists (an array, or one text with commas as on the command
 * line); relative paths are resolved against the config file's folder. Unknown keys, wrong types and
 * unreadable files are one-line errors naming the file and key.
 */
final class TrainConfigFile {
    /** Options a config file cannot set. */
    private static final Set<String> NOT_FROM_FILE = Set.of("config", "help", "version", "debug");

    private TrainConfigFile() {
    }

    /** Reads the file and sets every option it names that the command line did not. */
    static void apply(Path file, CommandSpec spec, ParseResult parsed) {
        ObjectNode root = read(file);
        Path base = file.toAbsolutePath().getParent();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String name = key.replace('_', '-');
            OptionSpec opt = NOT_FROM_FILE.contains(name) ? null : spec.findOption("--" + name);
            if (opt == null) {
                throw new TrainException(file + ": unknown key '" + key + "' (keys: " + String.join(", ", keys(spec)) + ")");
            }
            if (parsed.hasMatchedOption(opt)) {
                continue; // the command line overrides the file
            }
            opt.setValue(convert(file, key, e.getValue(), opt, base));
        }
    }

    /** The keys a config file may use, sorted. */
    static List<String> keys(CommandSpec spec) {
        Set<String> k = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String n = o.longestName().replaceFirst("^-+", "");
            if (!NOT_FROM_FILE.contains(n)) {
                k.add(n);
            }
        }
        return new ArrayList<>(k);
    }

    private static ObjectNode read(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
        if (!yaml && !n.endsWith(".json")) {
            throw new TrainException(file + ": a config file must end in .yaml, .yml or .json");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrainException(file + ": not found");
        } catch (IOException e) {
            throw new TrainException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode root;
        try {
            root = (yaml ? new YAMLMapper() : new ObjectMapper()).readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new TrainException(file + ": not valid " + (yaml ? "YAML" : "JSON") + " (" + Json.parseError(e) + ")");
        } catch (IOException e) {
            throw new TrainException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new TrainException(file + ": empty (a config file is a mapping of option names to values)");
        }
        if (!root.isObject()) {
            throw new TrainException(file + ": must be a mapping of option names to values, got " + kind(root));
        }
        return (ObjectNode) root;
    }

    private static Object convert(Path file, String key, JsonNode v, OptionSpec opt, Path base) {
        Class<?> t = opt.type();
        if (t == int.class || t == Integer.class) {
            return integer(file, key, v);
        }
        if (t == long.class || t == Long.class) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw wrong(file, key, "a whole number", v);
            }
            return v.longValue();
        }
        if (t == double.class || t == Double.class) {
            if (!v.isNumber()) {
                throw wrong(file, key, "a number", v);
            }
            return v.doubleValue();
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!v.isBoolean()) {
                throw wrong(file, key, "true or false", v);
            }
            return v.booleanValue();
        }
        if (t == String.class) {
            return text(file, key, v);
        }
        if (t == Path.class) {
            return base.resolve(text(file, key, v)).normalize();
        }
        if (List.class.isAssignableFrom(t)) {
            Class<?> item = opt.auxiliaryTypes().length > 0 ? opt.auxiliaryTypes()[0] : String.class;
            List<Object> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode x : v) {
                    out.add(item == Integer.class ? integer(file, key, x) : text(file, key, x));
                }
            } else if (v.isTextual()) {
                for (String part : v.asText().split(",", -1)) {
                    if (item == Integer.class) {
                        try {
                            out.add(Integer.parseInt(part.strip()));
                        } catch (NumberFormatException e) {
                            throw wrong(file, key, "a list of whole numbers", v);
                        }
                    } else {
                        out.add(part.strip());
                    }
                }
            } else {
                throw wrong(file, key, item == Integer.class ? "a list of whole numbers" : "a list of names", v);
            }
            if (out.isEmpty()) {
                throw wrong(file, key, "a non-empty list", v);
            }
            return out;
        }
        throw new IllegalStateException("option " + opt.longestName() + " of type " + t + " has no config-file conversion");
    }

    private static int integer(Path file, String key, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrong(file, key, "a whole number", v);
        }
        return v.intValue();
    }

    private static String text(Path file, String key, JsonNode v) {
        if (!v.isTextual() || v.asText().isBlank()) {
            throw wrong(file, key, "a text", v);
        }
        return v.asText().strip();
    }

    private static TrainException wrong(Path file, String key, String expected, JsonNode v) {
        return new TrainException(file + ": key '" + key + "' must be " + expected + ", got "
                + (v.isNull() ? "no value" : kind(v) + " " + abbreviate(v)));
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            case STRING -> "a text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "nothing";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
