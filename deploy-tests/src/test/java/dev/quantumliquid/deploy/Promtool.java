package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** promtool, and validating loose PromQL expressions with it. */
final class Promtool {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern METRIC = Pattern.compile(
            "\\b(quantum_liquid_\\w+|jvm_\\w+|process_\\w+|kube_\\w+|container_\\w+|up)\\b(?!\\s*\\()");

    private Promtool() {}

    static Tools.Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Tools.require("promtool").toString());
        command.addAll(List.of(args));
        return Tools.run(command, dir);
    }

    /**
     * Checks each expression (name -> PromQL) by writing them as recording rules and running
     * `promtool check rules`, which parses and type-checks every expression.
     */
    static void assertValid(Map<String, String> expressions, Path tmp) {
        List<Map<String, String>> rules = new ArrayList<>();
        expressions.forEach((name, expr) -> {
            Map<String, String> rule = new LinkedHashMap<>();
            rule.put("record", name);
            rule.put("expr", expr);
            rules.add(rule);
        });
        Path file = tmp.resolve("expressions.rules.yml");
        try {
            YAML.writeValue(file.toFile(), Map.of("groups", List.of(Map.of("name", "checked", "rules", rules))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tools.Result r = run(tmp, "check", "rules", file.toString());
        assertThat(r.exit()).as("promtool check rules on %s%n%s%n%s", expressions, r.out(), r.err()).isZero();
        assertThat(r.out()).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    /** Metric names in an expression that no exporter we scrape emits. */
    static Set<String> unknownMetrics(String expr) {
        Set<String> unknown = new TreeSet<>();
        Matcher m = METRIC.matcher(expr.replaceAll("\\{[^}]*}", "{}"));
        while (m.find()) {
            if (!Server.isKnownMetric(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return unknown;
    }

    static Map<String, Object> readYaml(Path file) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = YAML.readValue(file.toFile(), Map.class);
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copy(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
