package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders base and every overlay and holds each rendered object to the deployment contract. */
class KustomizeTest {
    static final Set<String> REGIONS = Set.of("us-east-1", "eu-west-1", "ap-southeast-1", "ap-northeast-1");

    static Stream<String> kustomizations() throws IOException {
        Path k8s = Tools.deploy().resolve("k8s");
        try (Stream<Path> overlays = Files.list(k8s.resolve("overlays"))) {
            return Stream.concat(Stream.of("base"),
                    overlays.filter(Files::isDirectory).map(p -> "overlays/" + p.getFileName()).sorted().toList().stream());
        }
    }

    private static List<HasMetadata> render(String kustomization) {
        return Manifests.render(Tools.deploy().resolve("k8s").resolve(kustomization));
    }

    @Test
    void everyRegionAndTheOptionalOverlaysExist() throws IOException {
        assertThat(kustomizations().toList()).contains("overlays/service-mesh", "overlays/bluegreen",
                "overlays/argo-rollouts");
        assertThat(kustomizations().toList()).containsAll(REGIONS.stream().map(r -> "overlays/" + r).toList());
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyObjectParsesWithoutUnknownFields(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        assertThat(objects).isNotEmpty();
        assertThat(objects.stream().flatMap(o -> Manifests.unknownFields(o).stream()).toList())
                .as("fields the Kubernetes model does not know").isEmpty();
        for (HasMetadata o : objects) {
            if (!(o instanceof Namespace)) {
                assertThat(o.getMetadata().getNamespace()).as(Manifests.id(o)).isEqualTo("quantum-liquid");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void namespaceEnforcesTheRestrictedProfileAndNothingGetsApiAccess(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        Namespace ns = Manifests.ofType(objects, Namespace.class).getFirst();
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        assertThat(objects).extracting(HasMetadata::getKind)
                .doesNotContain("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "PodSecurityPolicy");
        ServiceAccount sa = Manifests.ofType(objects, ServiceAccount.class).getFirst();
        assertThat(sa.getAutomountServiceAccountToken()).isFalse();
        assertThat(Manifests.ofType(objects, Secret.class)).as("secrets come from outside git").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void podsMeetTheRestrictedProfileResourcesProbesAndDrain(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        List<Deployment> deployments = servers(objects);
        assertThat(deployments).isNotEmpty();
        ConfigMap config = Manifests.ofType(objects, ConfigMap.class).getFirst();
        int drain = Integer.parseInt(config.getData().get("QLNN_DRAIN_S"));
        for (Deployment d : deployments) {
            PodTemplateSpec template = d.getSpec().getTemplate();
            Pods.assertRestricted(Manifests.id(d), template.getSpec());
            assertThat(d.getSpec().getReplicas()).as("%s: the HPA owns the replica count", Manifests.id(d)).isNull();
            PodSpec pod = template.getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getServiceAccountName()).isEqualTo("quantum-liquid");
            assertThat(pod.getTopologySpreadConstraints()).extracting(c -> c.getTopologyKey())
                    .contains("topology.kubernetes.io/zone");
            Container server = pod.getContainers().getFirst();
            assertThat(pod.getContainers()).hasSize(1);
            assertResources(server);
            assertProbes(server);
            long preStop = server.getLifecycle().getPreStop().getSleep().getSeconds();
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("grace period > preStop %d s + QLNN_DRAIN_S %d s", preStop, drain)
                    .isGreaterThan(preStop + drain);
            assertThat(template.getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", String.valueOf(Server.PORT))
                    .containsEntry("prometheus.io/path", "/metrics");
            assertThat(server.getEnvFrom()).anySatisfy(e ->
                    assertThat(e.getConfigMapRef().getName()).isEqualTo(config.getMetadata().getName()));
            assertThat(server.getImage()).doesNotEndWith(":latest").matches(".+(:[\\w.-]+|@sha256:[0-9a-f]{64})");
        }
    }

    /** The server Deployments (pod label app=quantum-liquid); the model sync Deployment has its own checks. */
    static List<Deployment> servers(List<HasMetadata> objects) {
        return Manifests.ofType(objects, Deployment.class).stream()
                .filter(d -> "quantum-liquid".equals(d.getSpec().getTemplate().getMetadata().getLabels().get("app"))).toList();
    }

    private static void assertResources(Container c) {
        Map<String, Quantity> requests = c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources().getLimits();
        assertThat(Quantity.getAmountInBytes(requests.get("cpu"))).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(Quantity.getAmountInBytes(limits.get("cpu"))).isEqualByComparingTo(BigDecimal.valueOf(2));
        assertThat(Quantity.getAmountInBytes(requests.get("memory")))
                .isEqualByComparingTo(BigDecimal.valueOf(2L << 30));
        assertThat(Quantity.getAmountInBytes(limits.get("memory"))).isEqualByComparingTo(BigDecimal.valueOf(4L << 30));
    }

    private static void assertProbes(Container c) {
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:" + Server.PORT, "grpc:" + Server.GRPC_PORT);
        for (Probe p : List.of(c.getStartupProbe(), c.getLivenessProbe())) {
            assertThat(p.getHttpGet().getPath()).isIn(Server.PROBE_PATHS);
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        }
        // Liveness must not follow readiness: a draining pod turns NOT_SERVING and must not be killed.
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isIn(Server.LIVENESS_PATHS);
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isIn(Server.LIVENESS_PATHS);
        // Readiness asks grpc.health.v1 on the gRPC port (the whole server: no service name).
        assertThat(c.getReadinessProbe().getHttpGet()).isNull();
        assertThat(c.getReadinessProbe().getGrpc().getPort()).isEqualTo(Server.GRPC_PORT);
        assertThat(c.getReadinessProbe().getGrpc().getService()).isNullOrEmpty();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void autoscalerFollowsTheGuide(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        List<HorizontalPodAutoscaler> hpas = Manifests.ofType(objects, HorizontalPodAutoscaler.class);
        assertThat(hpas).isNotEmpty();
        for (HorizontalPodAutoscaler h : hpas) {
            var spec = h.getSpec();
            assertThat(spec.getMinReplicas()).isEqualTo(2);
            assertThat(spec.getMaxReplicas()).isEqualTo(20);
            assertThat(spec.getMetrics()).singleElement().satisfies(m -> {
                assertThat(m.getResource().getName()).isEqualTo("cpu");
                assertThat(m.getResource().getTarget().getType()).isEqualTo("Utilization");
                assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
            assertRules(spec.getBehavior().getScaleUp(), 0, 100, 30);
            assertRules(spec.getBehavior().getScaleDown(), 300, 50, 300);
            var ref = spec.getScaleTargetRef();
            assertThat(objects).as("%s scales %s %s", Manifests.id(h), ref.getKind(), ref.getName())
                    .anyMatch(o -> o.getKind().equals(ref.getKind()) && o.getMetadata().getName().equals(ref.getName()));
        }
    }

    private static void assertRules(HPAScalingRules rules, int window, int percent, int period) {
        assertThat(rules.getStabilizationWindowSeconds()).isEqualTo(window);
        assertThat(rules.getPolicies()).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo("Percent");
            assertThat(p.getValue()).isEqualTo(percent);
            assertThat(p.getPeriodSeconds()).isEqualTo(period);
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void servicesSelectPodsAndTheBudgetAllowsDrains(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        List<Map<String, String>> podLabels = Manifests.ofType(objects, Deployment.class).stream()
                .map(d -> d.getSpec().getTemplate().getMetadata().getLabels()).toList();
        for (Service s : Manifests.ofType(objects, Service.class)) {
            assertThat(s.getSpec().getPorts()).allSatisfy(p -> assertThat(p.getTargetPort().getStrVal()).isIn("http", "grpc"));
            assertThat(s.getSpec().getPorts()).filteredOn(p -> "grpc".equals(p.getTargetPort().getStrVal()))
                    .allSatisfy(p -> assertThat(p.getAppProtocol()).isEqualTo("kubernetes.io/h2c"));
            if (kustomization.endsWith("argo-rollouts")) {
                continue; // Argo Rollouts owns these selectors and points them at its own ReplicaSets
            }
            assertThat(podLabels).as("pods selected by %s", Manifests.id(s))
                    .anyMatch(l -> l.entrySet().containsAll(s.getSpec().getSelector().entrySet()));
        }
        PodDisruptionBudget pdb = Manifests.ofType(objects, PodDisruptionBudget.class).getFirst();
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void configMapHoldsTheGuideSettingsUnderNamesTheServerReads(String kustomization) {
        ConfigMap config = Manifests.ofType(render(kustomization), ConfigMap.class).getFirst();
        assertThat(Server.ENV).containsAll(config.getData().keySet());
        assertThat(config.getData())
                .containsEntry("QUANTUM_COHERENCE_THRESHOLD", "0.6")
                .containsEntry("LIQUID_SPARSITY", "0.4")
                .containsEntry("ENERGY_BUDGET_UW", "50.0")
                .containsEntry("LOG_LEVEL", "INFO")
                .containsEntry("ENABLE_METRICS", "true")
                .containsEntry("QLNN_PORT", String.valueOf(Server.PORT))
                .containsEntry("QLNN_MODEL_REPOSITORY", REGIONS.stream().filter(r -> kustomization.equals("overlays/" + r))
                        .map(ModelStoreManifestsTest::regionalRepository).findFirst().orElse(Server.MODELS_IN_IMAGE));
    }

    @Test
    void regionsDifferOnlyInHostAndRegionLabel() {
        for (String region : REGIONS) {
            List<HasMetadata> objects = render("overlays/" + region);
            var ingress = Manifests.ofType(objects, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class).getFirst();
            assertThat(ingress.getSpec().getRules().getFirst().getHost()).contains(region);
            assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                    .containsEntry("topology.quantum-liquid.dev/region", region));
        }
    }

    @Test
    void secretExampleHoldsPlaceholdersOnly() {
        String yaml = Tools.readString(Tools.deploy().resolve("k8s/secret.example.yaml"));
        List<HasMetadata> secrets = Manifests.parse(yaml);
        assertThat(secrets).extracting(HasMetadata::getKind).containsOnly("Secret");
        assertThat(secrets.stream().flatMap(o -> Manifests.unknownFields(o).stream()).toList()).isEmpty();
        for (Secret s : Manifests.ofType(secrets, Secret.class)) {
            assertThat(s.getData()).isNullOrEmpty();
            assertThat(s.getStringData().values()).allSatisfy(v -> assertThat(v).contains("REPLACE"));
        }
        Deployment d = Manifests.ofType(render("base"), Deployment.class).getFirst();
        assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName()).containsExactly(secrets.getFirst().getMetadata().getName());
        assertThat(Objects.requireNonNull(yaml)).doesNotContainPattern("(?i)BEGIN [A-Z ]*PRIVATE KEY");
    }
}
