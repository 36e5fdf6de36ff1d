package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The KServe runtime and example InferenceService (deploy/kserve), checked structurally: the fabric8
 * model does not know KServe's CRDs, so their fields are read one by one and the runtime's container
 * is parsed as a Kubernetes Container, unknown fields refused.
 */
class KServeTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static List<HasMetadata> render() {
        return Manifests.render(Tools.deploy().resolve("kserve"));
    }

    @Test
    void theRuntimeServesTheQlnnFormatOverOipHttpAndGrpcWithGrpcReadinessAndPrometheus() {
        GenericKubernetesResource rt = Manifests.custom(render(), "ClusterServingRuntime").getFirst();
        assertThat(rt.getMetadata().getNamespace()).as("cluster-scoped").isNull();
        assertThat(rt.getAdditionalProperties().keySet()).containsOnly("spec");
        Map<String, Object> spec = rt.get("spec");
        assertThat(spec.keySet()).containsExactlyInAnyOrder("annotations", "supportedModelFormats", "protocolVersions",
                "containers");
        List<Map<String, Object>> formats = rt.get("spec", "supportedModelFormats");
        assertThat(formats).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("name", "qlnn").containsEntry("autoSelect", true);
            assertThat(f.keySet()).isSubsetOf("name", "version", "autoSelect", "priority");
        });
        assertThat((List<String>) rt.get("spec", "protocolVersions")).containsExactlyInAnyOrder("v2", "grpc-v2");

        List<Object> containers = rt.get("spec", "containers");
        assertThat(containers).hasSize(1);
        Container c = SERIALIZATION.convertValue(containers.getFirst(), Container.class);
        assertThat(c.getAdditionalProperties()).as("fields a Container does not have").isEmpty();
        assertThat(c.getName()).isEqualTo("kserve-container");
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        Map<String, Integer> ports = c.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        assertThat(env).containsEntry("QLNN_MODEL_REPOSITORY", "/mnt/models");
        assertThat(ports).containsOnlyKeys("http1", "h2c");
        assertThat(env.get("QLNN_PORT")).isEqualTo(ports.get("http1").toString());
        assertThat(env.get("QLNN_GRPC_PORT")).isEqualTo(ports.get("h2c").toString());
        assertThat(c.getReadinessProbe().getGrpc().getPort()).as("readiness on grpc.health.v1").isEqualTo(ports.get("h2c"));
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isIn(Server.LIVENESS_PATHS);
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(ports.get("http1"));
        assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        Map<String, String> annotations = rt.get("spec", "annotations");
        assertThat(annotations).containsEntry("prometheus.kserve.io/path", "/metrics")
                .containsEntry("prometheus.kserve.io/port", ports.get("http1").toString());
    }

    @Test
    void theExampleInferenceServiceServesARepositoryFromStorageWithTheRuntime() {
        List<HasMetadata> objects = render();
        GenericKubernetesResource rt = Manifests.custom(objects, "ClusterServingRuntime").getFirst();
        GenericKubernetesResource isvc = Manifests.custom(objects, "InferenceService").getFirst();
        assertThat(isvc.getMetadata().getAnnotations()).containsEntry("serving.kserve.io/deploymentMode", "RawDeployment")
                .containsEntry("serving.kserve.io/enable-prometheus-scraping", "true");
        Map<String, Object> model = isvc.get("spec", "predictor", "model");
        assertThat(model.keySet()).containsExactlyInAnyOrder("modelFormat", "runtime", "protocolVersion", "storageUri");
        assertThat((String) isvc.get("spec", "predictor", "model", "modelFormat", "name")).isEqualTo("qlnn");
        assertThat((String) isvc.get("spec", "predictor", "model", "runtime")).isEqualTo(rt.getMetadata().getName());
        assertThat((String) isvc.get("spec", "predictor", "model", "protocolVersion")).isEqualTo("v2");
        assertThat((String) isvc.get("spec", "predictor", "model", "storageUri")).matches("(s3|gs|pvc|https)://.+/");
    }
}
