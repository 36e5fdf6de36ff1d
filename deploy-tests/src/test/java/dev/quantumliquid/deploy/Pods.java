package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Pod Security Standards "restricted" profile (latest), plus this project's own stricter rules. */
final class Pods {
    private Pods() {}

    private static final Set<String> ALLOWED_CAPABILITIES = Set.of("NET_BIND_SERVICE");
    /** Where the regions' servers keep their copy of the regional bucket (QLNN_MODEL_CACHE). */
    static final String MODEL_CACHE = "/var/cache/qlnn";
    private static final Set<String> SECCOMP_OK = Set.of("RuntimeDefault", "Localhost");

    static void assertRestricted(String id, PodSpec pod) {
        PodSecurityContext psc = pod.getSecurityContext();
        assertThat(psc).as("%s: pod securityContext", id).isNotNull();
        assertThat(pod.getHostNetwork()).as("%s hostNetwork", id).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).as("%s hostPID", id).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).as("%s hostIPC", id).isNotEqualTo(Boolean.TRUE);
        assertThat(psc.getSysctls()).as("%s sysctls", id).isNullOrEmpty();
        assertThat(psc.getRunAsUser()).as("%s runAsUser", id).isEqualTo(10001L);
        for (Volume v : pod.getVolumes()) {
            // restricted allows only these volume types
            boolean allowed = v.getConfigMap() != null || v.getCsi() != null || v.getDownwardAPI() != null
                    || v.getEmptyDir() != null || v.getEphemeral() != null || v.getPersistentVolumeClaim() != null
                    || v.getProjected() != null || v.getSecret() != null;
            assertThat(allowed).as("%s volume %s has a type the restricted profile forbids", id, v.getName()).isTrue();
        }
        List<Container> all = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            all.addAll(pod.getInitContainers());
        }
        for (Container c : all) {
            String cid = id + " container " + c.getName();
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc).as("%s securityContext", cid).isNotNull();
            assertThat(sc.getPrivileged()).as("%s privileged", cid).isNotEqualTo(Boolean.TRUE);
            assertThat(sc.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", cid).isFalse();
            assertThat(sc.getCapabilities().getDrop()).as("%s capabilities.drop", cid).contains("ALL");
            if (sc.getCapabilities().getAdd() != null) {
                assertThat(ALLOWED_CAPABILITIES).as("%s capabilities.add", cid).containsAll(sc.getCapabilities().getAdd());
            }
            Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : psc.getRunAsNonRoot();
            assertThat(nonRoot).as("%s runAsNonRoot", cid).isTrue();
            Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc.getRunAsUser();
            assertThat(uid).as("%s runAsUser", cid).isNotNull().isNotZero();
            SeccompProfile seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile() : psc.getSeccompProfile();
            assertThat(seccomp).as("%s seccompProfile", cid).isNotNull();
            assertThat(seccomp.getType()).as("%s seccompProfile.type", cid).isIn(SECCOMP_OK);
            assertThat(sc.getProcMount()).as("%s procMount", cid).isIn(null, "Default");
            assertThat(c.getPorts()).as("%s hostPort", cid).allSatisfy(p -> assertThat(p.getHostPort()).isIn(null, 0));
            // Project rules beyond the profile: immutable root; /tmp and the model cache the only writable paths.
            assertThat(sc.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", cid).isTrue();
            assertThat(c.getVolumeMounts()).as("%s writable mounts", cid)
                    .filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                    .extracting(m -> m.getMountPath()).contains("/tmp").isSubsetOf("/tmp", MODEL_CACHE);
        }
        assertThat(pod.getVolumes()).as("%s /tmp volume", id)
                .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    }
}
