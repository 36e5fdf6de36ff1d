package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/bluegreen.sh in --dry-run mode, and its gate against the Argo Rollouts analysis. */
class BlueGreenTest {
    private static final String IMAGE =
            "liquid-edge-registry.io/quantum-liquid@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static Tools.Result dryRun(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", Tools.deploy().resolve("bluegreen.sh").toString(), "--dry-run"));
        command.addAll(List.of(args));
        return Tools.run(command, Tools.repo(), Map.of("KUBECTL", "kubectl"), 30);
    }

    /** The printed commands and queries, in order. */
    private static List<String> steps(Tools.Result r) {
        return r.err().lines().filter(l -> l.startsWith("+ ") || l.startsWith("bluegreen: query: ")).toList();
    }

    @Test
    void releasesToTheIdleColourThenSwitches() {
        for (String active : List.of("blue", "green")) {
            String idle = active.equals("blue") ? "green" : "blue";
            Tools.Result r = dryRun("--image", IMAGE, "--active", active, "--observe", "5", "--post-observe", "5");
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> steps = steps(r);
            assertThat(steps).containsSubsequence(
                    "+ kubectl --namespace quantum-liquid get service quantum-liquid-service -o jsonpath=\\{.spec.selector.color\\}",
                    "+ kubectl --namespace quantum-liquid patch service quantum-liquid-preview --type merge -p \\{\\\"spec\\\":\\{\\\"selector\\\":\\{\\\"color\\\":\\\"" + idle + "\\\"\\}\\}\\}",
                    "+ kubectl --namespace quantum-liquid set image deployment/quantum-liquid-" + idle + " server=" + IMAGE,
                    "+ kubectl --namespace quantum-liquid rollout status deployment/quantum-liquid-" + idle + " --timeout=600s",
                    "+ kubectl --namespace quantum-liquid port-forward svc/quantum-liquid-preview 18080:80",
                    "+ curl -fsS -o /dev/null http://127.0.0.1:18080/ready",
                    "+ kubectl --namespace quantum-liquid patch service quantum-liquid-service --type merge -p \\{\\\"spec\\\":\\{\\\"selector\\\":\\{\\\"color\\\":\\\"" + idle + "\\\"\\}\\}\\}");
            assertThat(steps.stream().filter(s -> s.startsWith("bluegreen: query: ")))
                    .hasSize(4).allSatisfy(q -> assertThat(q).contains("color=\"" + idle + "\""));
            // The gate runs before the switch.
            int firstQuery = indexOf(steps, "bluegreen: query: ");
            int switchStep = indexOf(steps, "+ kubectl --namespace quantum-liquid patch service quantum-liquid-service");
            assertThat(firstQuery).isLessThan(switchStep);
        }
    }

    private static int indexOf(List<String> steps, String prefix) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void refusesUnpinnedImagesAndRollsBack() {
        assertThat(dryRun("--image", "liquid-edge-registry.io/quantum-liquid:latest").exit()).isEqualTo(2);
        assertThat(dryRun("--image", "liquid-edge-registry.io/quantum-liquid").exit()).isEqualTo(2);
        assertThat(dryRun().exit()).isEqualTo(2);
        Tools.Result r = dryRun("--rollback", "--active", "green");
        assertThat(r.exit()).isZero();
        assertThat(steps(r)).anySatisfy(s -> assertThat(s)
                .startsWith("+ kubectl --namespace quantum-liquid patch service quantum-liquid-service").contains("blue"));
    }

    @Test
    void gateIsTheSamePromQlAsTheArgoAnalysisAndIsValid(@TempDir Path tmp) {
        Tools.Result r = dryRun("--image", IMAGE, "--active", "blue", "--post-observe", "0");
        List<String> script = r.err().lines().filter(l -> l.startsWith("bluegreen: query: "))
                .map(l -> l.substring("bluegreen: query: ".length())).toList();
        assertThat(script).hasSize(2);
        var objects = Manifests.render(Tools.deploy().resolve("k8s/overlays/argo-rollouts"));
        GenericKubernetesResource analysis = Manifests.custom(objects, "AnalysisTemplate").getFirst();
        List<Map<String, Object>> metrics = analysis.get("spec", "metrics");
        List<String> argo = metrics.stream().map(m -> (String) ((Map<?, ?>) ((Map<?, ?>) m.get("provider")).get("prometheus")).get("query")).toList();
        assertThat(argo).hasSize(2);
        List<String> normalisedScript = script.stream().map(q -> q.replace("color=\"green\"", "SELECTOR")).toList();
        List<String> normalisedArgo = argo.stream().map(q -> q.strip().replace("\n", " ")
                .replace("rollouts_pod_template_hash=\"{{args.pod-template-hash}}\"", "SELECTOR")).toList();
        assertThat(normalisedArgo).isEqualTo(normalisedScript);
        assertThat(metrics).extracting(m -> (String) m.get("successCondition"))
                .containsExactly("len(result) == 1 && result[0] <= 0.01", "len(result) == 1 && result[0] <= 0.1");
        Map<String, String> expressions = new LinkedHashMap<>();
        for (int i = 0; i < script.size(); i++) {
            expressions.put("bluegreen:gate_" + i, script.get(i));
        }
        Promtool.assertValid(expressions, tmp);
    }
}
