package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Renders a kustomization with kubectl and parses every object with the fabric8 Kubernetes model. */
final class Manifests {
    /** Custom resources that fabric8 cannot type: checked field by field in their own tests. */
    static final Set<String> KNOWN_CUSTOM_KINDS = Set.of(
            "argoproj.io/v1alpha1/Rollout", "argoproj.io/v1alpha1/AnalysisTemplate",
            "security.istio.io/v1/PeerAuthentication",
            "serving.kserve.io/v1alpha1/ClusterServingRuntime", "serving.kserve.io/v1beta1/InferenceService");

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** Rendered output by directory: the files do not change during a test run. */
    private static final Map<Path, String> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

    private Manifests() {}

    static String kustomize(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Manifests::runKustomize);
    }

    private static String runKustomize(Path dir) {
        Path kubectl = Tools.require("kubectl");
        Tools.Result r = Tools.run(List.of(kubectl.toString(), "kustomize", dir.toString()), Tools.repo());
        assertThat(r.exit()).as("kubectl kustomize %s failed:%n%s", dir, r.err()).isZero();
        return r.out();
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : DOCUMENT_SEPARATOR.split(yaml)) {
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object o = SERIALIZATION.unmarshal(doc);
            assertThat(o).as("not a Kubernetes object:%n%s", doc).isInstanceOf(HasMetadata.class);
            objects.add((HasMetadata) o);
        }
        return objects;
    }

    static List<HasMetadata> render(Path dir) {
        return parse(kustomize(dir));
    }

    static String id(HasMetadata o) {
        return o.getApiVersion() + "/" + o.getKind() + " " + o.getMetadata().getName();
    }

    /**
     * Every field the model did not recognise, as "path: value". fabric8 keeps unknown fields (a typo,
     * a field at the wrong level, a field of another API version) in additionalProperties instead of
     * failing, so this walks the whole object graph and collects them.
     */
    static List<String> unknownFields(HasMetadata o) {
        List<String> found = new ArrayList<>();
        if (o instanceof GenericKubernetesResource g) {
            if (!KNOWN_CUSTOM_KINDS.contains(g.getApiVersion() + "/" + g.getKind())) {
                found.add(id(o) + ": kind not in the Kubernetes model nor a known custom resource");
            }
            walk(g.getMetadata(), id(o) + ".metadata", found, new IdentityHashMap<>());
            return found;
        }
        walk(o, id(o), found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object node, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", found, seen));
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) {
                walk(v, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(m, node, path);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.forEach((k, v) -> found.add(path + "." + k + ": " + v));
                }
                continue;
            }
            walk(value, path + "." + property(m.getName()), found, seen);
        }
    }

    private static Object invoke(Method m, Object node, String path) {
        try {
            return m.invoke(node);
        } catch (IllegalAccessException e) {
            return null; // a public method of a non-public class: nothing the model serialises
        } catch (InvocationTargetException e) {
            throw new AssertionError(path + "." + property(m.getName()) + ": " + e.getCause(), e.getCause());
        }
    }

    private static String property(String getter) {
        String p = getter.substring(3);
        return p.isEmpty() ? p : Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(o -> (T) o).toList();
    }

    static List<GenericKubernetesResource> custom(List<HasMetadata> objects, String kind) {
        return ofType(objects, GenericKubernetesResource.class).stream().filter(g -> kind.equals(g.getKind())).toList();
    }
}
