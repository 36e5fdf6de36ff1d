package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ingress, NetworkPolicies, the service mesh, blue-green and Argo Rollouts, as rendered. */
class NetworkTest {
    static Stream<String> kustomizations() throws java.io.IOException {
        return KustomizeTest.kustomizations();
    }

    private static List<HasMetadata> render(String kustomization) {
        return Manifests.render(Tools.deploy().resolve("k8s").resolve(kustomization));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void ingressTerminatesTlsRateLimitsAndPublishesOnlyPublicRoutes(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        Ingress ingress = Manifests.ofType(objects, Ingress.class).stream()
                .filter(i -> i.getMetadata().getName().equals("quantum-liquid")).findFirst().orElseThrow();
        assertThat(ingress.getMetadata().getAnnotations())
                .containsKey("cert-manager.io/cluster-issuer")
                .containsKey("nginx.ingress.kubernetes.io/limit-rps");
        var rule = ingress.getSpec().getRules().getFirst();
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(t -> {
            assertThat(t.getHosts()).containsExactly(rule.getHost());
            assertThat(t.getSecretName()).isNotBlank();
        });
        Set<String> services = Set.copyOf(Manifests.ofType(objects, Service.class).stream()
                .map(s -> s.getMetadata().getName()).toList());
        for (HTTPIngressPath p : rule.getHttp().getPaths()) {
            assertThat(services).contains(p.getBackend().getService().getName());
            assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("http");
            assertThat(Server.PUBLIC_ROUTES).as("path %s serves a public route", p.getPath())
                    .anyMatch(r -> matches(p, r));
            assertThat(Server.PRIVATE_ROUTES).as("path %s exposes a private route", p.getPath())
                    .noneMatch(r -> matches(p, r));
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void grpcIngressSpeaksGrpcToThePodsAndPublishesEveryRpcButTheRepositoryOnes(String kustomization) {
        List<HasMetadata> objects = render(kustomization);
        Ingress ingress = Manifests.ofType(objects, Ingress.class).stream()
                .filter(i -> i.getMetadata().getName().equals("quantum-liquid-grpc")).findFirst().orElseThrow();
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/backend-protocol", "GRPC")
                .containsKey("cert-manager.io/cluster-issuer")
                .containsKey("nginx.ingress.kubernetes.io/limit-rps");
        var rule = ingress.getSpec().getRules().getFirst();
        assertThat(ingress.getSpec().getTls()).singleElement()
                .satisfies(t -> assertThat(t.getHosts()).containsExactly(rule.getHost()));
        Service service = Manifests.ofType(objects, Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("quantum-liquid-service")).findFirst().orElseThrow();
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("grpc");
            assertThat(p.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
        });
        for (HTTPIngressPath p : rule.getHttp().getPaths()) {
            assertThat(p.getBackend().getService().getName()).isEqualTo("quantum-liquid-service");
            assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("grpc");
            assertThat(Server.PRIVATE_RPCS).as("path %s exposes a repository RPC", p.getPath()).noneMatch(r -> matches(p, r));
        }
        assertThat(Server.PUBLIC_RPCS).allSatisfy(r -> assertThat(rule.getHttp().getPaths())
                .as("%s is published", r).anyMatch(p -> matches(p, r)));
    }

    private static boolean matches(HTTPIngressPath p, String route) {
        return "Exact".equals(p.getPathType()) ? route.equals(p.getPath())
                : route.equals(p.getPath()) || route.startsWith(p.getPath().endsWith("/") ? p.getPath() : p.getPath() + "/");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void networkPoliciesDenyByDefaultAndOpenOnlyWhatIsNeeded(String kustomization) {
        List<NetworkPolicy> policies = Manifests.ofType(render(kustomization), NetworkPolicy.class);
        assertThat(policies).anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
        });
        boolean mesh = kustomization.endsWith("service-mesh");
        for (NetworkPolicy p : policies) {
            for (var rule : p.getSpec().getIngress()) {
                assertThat(rule.getFrom()).isNotEmpty().allSatisfy(peer ->
                        assertThat(namespaceOf(peer)).isIn("ingress-nginx", "monitoring"));
                assertThat(rule.getPorts()).isNotEmpty().allSatisfy(port -> assertThat(port.getPort())
                        .isIn(new IntOrString("http"), new IntOrString("grpc"), new IntOrString(15020)));
            }
            for (var rule : p.getSpec().getEgress()) {
                assertThat(rule.getTo()).isNotEmpty();
                for (var port : rule.getPorts()) {
                    int n = port.getPort().getIntVal();
                    if (n == 53) {
                        assertThat(rule.getTo()).allSatisfy(peer -> assertThat(namespaceOf(peer)).isEqualTo("kube-system"));
                    } else if (n == 443) {
                        // Object storage: only pods that use buckets, only public addresses (ModelStoreManifestsTest).
                        assertThat(p.getSpec().getPodSelector().getMatchLabels())
                                .containsOnlyKeys("quantum-liquid.dev/object-storage");
                        assertThat(rule.getTo()).allSatisfy(peer -> assertThat(peer.getIpBlock().getExcept())
                                .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"));
                    } else {
                        assertThat(mesh).as("egress to port %d outside the mesh overlay", n).isTrue();
                        assertThat(n).isEqualTo(15012);
                        assertThat(rule.getTo()).allSatisfy(peer -> assertThat(namespaceOf(peer)).isEqualTo("istio-system"));
                    }
                }
            }
        }
    }

    private static String namespaceOf(NetworkPolicyPeer peer) {
        assertThat(peer.getIpBlock()).as("no ipBlock peers").isNull();
        return peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
    }

    @Test
    void serviceMeshEnforcesStrictMtlsAndKeepsMetricsScrapeable() {
        List<HasMetadata> objects = render("overlays/service-mesh");
        GenericKubernetesResource pa = Manifests.custom(objects, "PeerAuthentication").getFirst();
        assertThat(pa.getAdditionalProperties().keySet()).containsOnly("spec");
        Map<String, Object> spec = pa.get("spec");
        assertThat(spec.keySet()).isSubsetOf("selector", "mtls", "portLevelMtls");
        assertThat((String) pa.get("spec", "mtls", "mode")).isEqualTo("STRICT");
        assertThat(spec).doesNotContainKey("portLevelMtls"); // metrics go through Istio's merging on 15020
        Deployment d = Manifests.ofType(objects, Deployment.class).getFirst();
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true").containsKey("proxy.istio.io/config");
        assertThat(Manifests.ofType(objects, NetworkPolicy.class)).anySatisfy(p -> assertThat(p.getSpec().getIngress())
                .anySatisfy(r -> assertThat(r.getPorts()).extracting(port -> port.getPort().getIntVal()).contains(15020)));
        assertThat(Manifests.ofType(objects, io.fabric8.kubernetes.api.model.Namespace.class).getFirst()
                .getMetadata().getLabels()).containsEntry("istio-injection", "enabled");
    }

    @Test
    void blueGreenHasTwoColoursAnActiveAndAPreviewService() {
        List<HasMetadata> objects = render("overlays/bluegreen");
        assertThat(Manifests.ofType(objects, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("quantum-liquid-blue", "quantum-liquid-green");
        for (Deployment d : Manifests.ofType(objects, Deployment.class)) {
            String colour = d.getMetadata().getName().substring("quantum-liquid-".length());
            assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry("color", colour);
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("color", colour);
        }
        assertThat(Manifests.ofType(objects, HorizontalPodAutoscaler.class))
                .extracting(h -> h.getSpec().getScaleTargetRef().getName())
                .containsExactlyInAnyOrder("quantum-liquid-blue", "quantum-liquid-green");
        Map<String, String> selectors = Map.of(
                "quantum-liquid-service", service(objects, "quantum-liquid-service").getSpec().getSelector().get("color"),
                "quantum-liquid-preview", service(objects, "quantum-liquid-preview").getSpec().getSelector().get("color"));
        assertThat(selectors).containsEntry("quantum-liquid-service", "blue").containsEntry("quantum-liquid-preview", "green");
    }

    private static Service service(List<HasMetadata> objects, String name) {
        return Manifests.ofType(objects, Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void argoRolloutUsesBothServicesAndGatesPromotionOnTheAnalysis() {
        List<HasMetadata> objects = render("overlays/argo-rollouts");
        GenericKubernetesResource rollout = Manifests.custom(objects, "Rollout").getFirst();
        assertThat(((Map<String, Object>) rollout.get("spec")).keySet())
                .isSubsetOf("replicas", "selector", "template", "workloadRef", "strategy", "revisionHistoryLimit",
                        "minReadySeconds", "progressDeadlineSeconds", "paused", "analysis");
        Map<String, Object> blueGreen = rollout.get("spec", "strategy", "blueGreen");
        assertThat(blueGreen.keySet()).isSubsetOf("activeService", "previewService", "autoPromotionEnabled",
                "autoPromotionSeconds", "scaleDownDelaySeconds", "prePromotionAnalysis", "postPromotionAnalysis",
                "previewReplicaCount", "abortScaleDownDelaySeconds");
        assertThat(Manifests.ofType(objects, Service.class)).extracting(s -> s.getMetadata().getName())
                .contains((String) blueGreen.get("activeService"), (String) blueGreen.get("previewService"));
        String workload = rollout.get("spec", "workloadRef", "name");
        assertThat(Manifests.ofType(objects, Deployment.class)).extracting(d -> d.getMetadata().getName()).contains(workload);
        String template = rollout.get("spec", "strategy", "blueGreen", "prePromotionAnalysis", "templates", 0, "templateName");
        GenericKubernetesResource analysis = Manifests.custom(objects, "AnalysisTemplate").getFirst();
        assertThat(analysis.getMetadata().getName()).isEqualTo(template);
        assertThat((String) rollout.get("spec", "strategy", "blueGreen", "prePromotionAnalysis", "args", 0, "valueFrom",
                "podTemplateHashValue")).isEqualTo("Latest");
        assertThat(Manifests.ofType(objects, HorizontalPodAutoscaler.class).getFirst().getSpec().getScaleTargetRef().getKind())
                .isEqualTo("Rollout");
    }
}
