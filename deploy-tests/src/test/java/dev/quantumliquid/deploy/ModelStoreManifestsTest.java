package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models from object storage in every region: the servers read the regional bucket through a cache
 * volume, a sync Deployment feeds that bucket from the primary, bucket traffic may leave the
 * namespace's default-deny, and the primary region backs the primary bucket up every day.
 */
class ModelStoreManifestsTest {
    static final String PRIMARY = "s3://quantum-liquid-models-primary/models";

    static String regionalRepository(String region) {
        return "s3://quantum-liquid-models-" + region + "/models";
    }

    static List<String> regions() {
        return KustomizeTest.REGIONS.stream().sorted().toList();
    }

    private static List<HasMetadata> render(String region) {
        return Manifests.render(Tools.deploy().resolve("k8s/overlays/" + region));
    }

    @ParameterizedTest
    @MethodSource("regions")
    void serversReadTheRegionalBucketThroughACacheVolume(String region) {
        List<HasMetadata> objects = render(region);
        ConfigMap config = Manifests.ofType(objects, ConfigMap.class).getFirst();
        assertThat(config.getData()).containsEntry("QLNN_MODEL_REPOSITORY", regionalRepository(region));
        String cache = config.getData().get("QLNN_MODEL_CACHE");
        for (Deployment d : KustomizeTest.servers(objects)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getContainers().getFirst().getVolumeMounts()).as("%s mounts the cache", Manifests.id(d))
                    .anySatisfy(m -> {
                        assertThat(m.getMountPath()).isEqualTo(cache);
                        assertThat(pod.getVolumes()).anySatisfy(v -> {
                            assertThat(v.getName()).isEqualTo(m.getName());
                            assertThat(v.getEmptyDir()).isNotNull();
                        });
                    });
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("quantum-liquid.dev/object-storage", "true");
        }
        ServiceAccount sa = Manifests.ofType(objects, ServiceAccount.class).getFirst();
        assertThat(sa.getMetadata().getAnnotations()).as("IAM role for the service account (web identity)")
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/quantum-liquid-models-" + region);
    }

    @ParameterizedTest
    @MethodSource("regions")
    void aSyncDeploymentFeedsTheRegionalBucketFromThePrimary(String region) {
        List<HasMetadata> objects = render(region);
        Deployment sync = Manifests.ofType(objects, Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("quantum-liquid-model-sync")).findFirst().orElseThrow();
        assertThat(sync.getSpec().getReplicas()).isEqualTo(1);
        assertThat(sync.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PodSpec pod = sync.getSpec().getTemplate().getSpec();
        Pods.assertRestricted(Manifests.id(sync), pod);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container c = pod.getContainers().getFirst();
        assertThat(c.getCommand()).endsWith("-jar", "/app/qlnn.jar");
        assertThat(c.getArgs()).containsExactly("sync", "--from", PRIMARY, "--to", regionalRepository(region), "--watch", "15", "--delete");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(sync.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("quantum-liquid.dev/object-storage", "true");
        assertThat(c.getImage()).isEqualTo(KustomizeTest.servers(objects).getFirst().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getImage());
    }

    @ParameterizedTest
    @MethodSource("regions")
    void bucketTrafficMayLeaveOnHttpsOnly(String region) {
        NetworkPolicy np = Manifests.ofType(render(region), NetworkPolicy.class).stream()
                .filter(n -> n.getMetadata().getName().equals("allow-object-storage-egress")).findFirst().orElseThrow();
        assertThat(np.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("quantum-liquid.dev/object-storage", "true"));
        assertThat(np.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(np.getSpec().getEgress()).singleElement().satisfies(e -> {
            assertThat(e.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort().getIntVal()).isEqualTo(443);
                assertThat(p.getProtocol()).isEqualTo("TCP");
            });
            assertThat(e.getTo()).singleElement().satisfies(peer -> {
                assertThat(peer.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
                assertThat(peer.getIpBlock().getExcept()).as("no in-cluster or metadata-service addresses")
                        .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
            });
        });
    }

    @ParameterizedTest
    @MethodSource("regions")
    void thePrimaryRegionBacksUpDailyWithRetentionAndNeverTwoAtOnce(String region) {
        List<CronJob> jobs = Manifests.ofType(render(region), CronJob.class);
        if (!region.equals("us-east-1")) {
            assertThat(jobs).as("one backup, from the primary region").isEmpty();
            return;
        }
        CronJob job = jobs.stream().filter(j -> j.getMetadata().getName().equals("quantum-liquid-model-backup")).findFirst().orElseThrow();
        assertThat(job.getSpec().getSchedule()).matches("\\d{1,2} \\d{1,2} \\* \\* \\*");
        assertThat(job.getSpec().getTimeZone()).isEqualTo("Etc/UTC");
        assertThat(job.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        var template = job.getSpec().getJobTemplate().getSpec().getTemplate();
        Pods.assertRestricted(Manifests.id(job), template.getSpec());
        assertThat(template.getMetadata().getLabels()).containsEntry("quantum-liquid.dev/object-storage", "true");
        Container c = template.getSpec().getContainers().getFirst();
        assertThat(c.getArgs()).startsWith("backup", "--repository", PRIMARY, "--to")
                .contains("--keep-hourly", "--keep-daily");
        assertThat(c.getArgs().get(4)).startsWith("s3://").isNotEqualTo(PRIMARY);
        assertThat(c.getImage()).isEqualTo(KustomizeTest.servers(render(region)).getFirst().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getImage());
    }
}
