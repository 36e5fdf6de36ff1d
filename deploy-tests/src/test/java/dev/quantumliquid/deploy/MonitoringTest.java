package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prometheus.yml, the alert rules and their unit tests, and the Grafana dashboard, through promtool. */
class MonitoringTest {
    static final Set<String> ALERTS = Set.of("HighLatency", "HighErrorRate", "LowCoherence", "HighCPU", "HighMemory",
            "PodCrashLooping", "ServiceDown");
    private final Path monitoring = Tools.deploy().resolve("monitoring");

    @Test
    void configIsValidWithoutKubernetesDiscovery(@TempDir Path tmp) throws IOException {
        Map<String, Object> config = Promtool.readYaml(monitoring.resolve("prometheus.yml"));
        List<Map<String, Object>> jobs = scrapeConfigs(config);
        Map<String, Object> pods = jobs.stream().filter(j -> "quantum-liquid-pods".equals(j.get("job_name")))
                .findFirst().orElseThrow();
        String relabels = String.valueOf(pods.get("relabel_configs"));
        assertThat(relabels).contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape",
                "__meta_kubernetes_pod_annotation_prometheus_io_port", "__meta_kubernetes_pod_label_color",
                "__meta_kubernetes_pod_label_rollouts_pod_template_hash");
        assertThat(jobs).anySatisfy(j -> assertThat(j).containsKey("static_configs"));
        // Debian's promtool has no Kubernetes discovery: check the rest on a copy without those jobs.
        config.put("scrape_configs", jobs.stream().filter(j -> !j.containsKey("kubernetes_sd_configs")).toList());
        Promtool.YAML.writeValue(tmp.resolve("prometheus.yml").toFile(), config);
        Promtool.copy(monitoring.resolve("alert-rules.yml"), tmp.resolve("alert-rules.yml"));
        Tools.Result r = Promtool.run(tmp, "check", "config", tmp.resolve("prometheus.yml").toString());
        assertThat(r.exit()).as("promtool check config%n%s%s", r.out(), r.err()).isZero();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> scrapeConfigs(Map<String, Object> config) {
        return new ArrayList<>((List<Map<String, Object>>) config.get("scrape_configs"));
    }

    @Test
    void rulesAreValid() {
        Tools.Result r = Promtool.run(monitoring, "check", "rules", "alert-rules.yml");
        assertThat(r.exit()).as("promtool check rules%n%s%s", r.out(), r.err()).isZero();
    }

    @Test
    void unitTestsPassAndCoverEveryAlertFiringAndNot() {
        Tools.Result r = Promtool.run(monitoring.resolve("tests"), "test", "rules", "alert-rules.test.yml");
        assertThat(r.exit()).as("promtool test rules%n%s%s", r.out(), r.err()).isZero();
        Map<String, Object> tests = Promtool.readYaml(monitoring.resolve("tests/alert-rules.test.yml"));
        Map<String, Set<Boolean>> cases = new LinkedHashMap<>();
        for (Object t : (List<?>) tests.get("tests")) {
            for (Object c : (List<?>) ((Map<?, ?>) t).get("alert_rule_test")) {
                Map<?, ?> check = (Map<?, ?>) c;
                boolean fires = !((List<?>) check.get("exp_alerts")).isEmpty();
                cases.computeIfAbsent((String) check.get("alertname"), k -> new java.util.HashSet<>()).add(fires);
            }
        }
        for (String alert : ALERTS) {
            assertThat(cases.get(alert)).as("unit tests of %s, firing and not", alert).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    void everyAlertHasForSeverityRunbookAndUsesEmittedMetrics() {
        Map<String, Object> rules = Promtool.readYaml(monitoring.resolve("alert-rules.yml"));
        Set<String> anchors = runbookAnchors();
        Set<String> seen = new java.util.HashSet<>();
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object o : (List<?>) ((Map<?, ?>) g).get("rules")) {
                Map<?, ?> rule = (Map<?, ?>) o;
                String name = (String) rule.get("alert");
                seen.add(name);
                assertThat(rule.get("for")).as("%s for", name).isNotNull();
                assertThat(((Map<?, ?>) rule.get("labels")).get("severity")).as("%s severity", name)
                        .isIn("warning", "critical");
                Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
                assertThat(annotations.get("summary")).as("%s summary", name).isNotNull();
                String runbook = (String) annotations.get("runbook_url");
                assertThat(runbook).as("%s runbook_url", name).startsWith("docs/RUNBOOK.md#");
                assertThat(anchors).as("anchors of docs/RUNBOOK.md").contains(runbook.substring(runbook.indexOf('#') + 1));
                assertThat(Promtool.unknownMetrics((String) rule.get("expr"))).as("%s: metrics nothing emits", name).isEmpty();
            }
        }
        assertThat(seen).containsAll(ALERTS);
    }

    /** GitHub-style anchors of the runbook's headings. */
    static Set<String> runbookAnchors() {
        String runbook = Tools.readString(Tools.repo().resolve("docs/RUNBOOK.md"));
        return runbook.lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").strip().toLowerCase()
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    @Test
    void everyDashboardExpressionIsValidPromQlOverEmittedMetrics(@TempDir Path tmp) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(monitoring.resolve("grafana/quantum-liquid.json").toFile());
        Map<String, String> expressions = new LinkedHashMap<>();
        List<String> titles = new ArrayList<>();
        collect(dashboard.get("panels"), expressions, titles);
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(20);
        expressions.forEach((name, expr) ->
                assertThat(Promtool.unknownMetrics(expr)).as("%s: metrics nothing emits", name).isEmpty());
        Promtool.assertValid(expressions, tmp);
        String all = String.join("\n", expressions.values());
        // The guide's panels: latency percentiles, throughput, errors, coherence, energy, cache, sessions,
        // in-flight, JVM heap and GC, replicas.
        assertThat(all).contains("histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,",
                "quantum_liquid_requests_total", "code=~\"5..|UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED\"", "quantum_liquid_coherence_avg",
                "quantum_liquid_model_power_microwatts", "quantum_liquid_model_energy_microjoules_per_step",
                "quantum_liquid_cache_hits_total", "quantum_liquid_sessions_active", "quantum_liquid_inflight_requests",
                "jvm_memory_used_bytes", "jvm_gc_collection_seconds", "kube_deployment_status_replicas_available");
    }

    /** Expressions of every panel (rows included), with Grafana's variables replaced by PromQL values. */
    private static void collect(JsonNode panels, Map<String, String> out, List<String> titles) {
        if (panels == null) {
            return;
        }
        for (JsonNode panel : panels) {
            titles.add(panel.path("title").asText());
            collect(panel.get("panels"), out, titles);
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (expr.isEmpty()) {
                    continue;
                }
                String name = "dashboard:panel_" + panel.path("id").asText(String.valueOf(titles.size())) + "_"
                        + target.path("refId").asText() + "_" + out.size();
                out.put(name, substituteVariables(expr));
            }
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

    static String substituteVariables(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "__rate_interval", "__interval", "__range" -> "5m";
                default -> ".*"; // multi-value template variables are used as regex matchers
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        return m.appendTail(sb).toString();
    }
}
