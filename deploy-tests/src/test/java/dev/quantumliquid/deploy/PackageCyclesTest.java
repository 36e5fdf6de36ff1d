package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every dependency between a module's packages goes one way: jdeps reads the module's compiled classes
 * (main code only), and any strongly connected group of two or more of its packages is a cycle, named
 * in the failure. Every module with main code is listed; a new module is added to the source below
 * and as a test dependency in this module's pom.
 */
class PackageCyclesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "engine, dev.quantumliquid.engine, dev/quantumliquid/engine/layer/Layer.class",
        "server, dev.quantumliquid.server, dev/quantumliquid/server/app/QlnnServer.class",
        "train, dev.quantumliquid.train, dev/quantumliquid/train/TrainException.class",
        "cli, dev.quantumliquid.cli, dev/quantumliquid/cli/Main.class",
        "bench, dev.quantumliquid.bench, dev/quantumliquid/bench/TrainBench.class",
    })
    void packagesOfTheModuleFormNoCycle(String module, String prefix, String anyClass) {
        Path classes = classesOf(anyClass);
        Map<String, Set<String>> edges = packageEdges(classes, prefix);
        assertThat(edges).as("%s: jdeps found no package of %s in %s", module, prefix, classes).isNotEmpty();
        assertThat(cycles(edges)).as("package cycles in %s (%s)", module, classes).isEmpty();
    }

    /** The directory or jar on the test class path that holds the class file {@code resource}. */
    private static Path classesOf(String resource) {
        URL url = PackageCyclesTest.class.getClassLoader().getResource(resource);
        assertThat(url).as("%s on the test class path", resource).isNotNull();
        String s = url.toString();
        try {
            if (s.startsWith("jar:")) {
                return Path.of(new URI(s.substring(4, s.indexOf("!/"))));
            }
            Path p = Path.of(url.toURI());
            for (int i = 0; i < resource.split("/").length; i++) {
                p = p.getParent();
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(s, e);
        }
    }

    @Test
    void findsEveryCycleAndOnlyCycles() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("a", "c"), "c", Set.of("d"), "d", Set.of(),
                "e", Set.of("e", "a"));
        assertThat(cycles(new TreeMap<>(g))).containsExactly(Set.of("a", "b"));
        assertThat(cycles(new TreeMap<>(Map.of("x", Set.of("y"), "y", Set.of("z"), "z", Set.of("x")))))
                .containsExactly(Set.of("x", "y", "z"));
    }

    /** package -> packages it depends on, both under prefix, from {@code jdeps -verbose:package}. */
    private static Map<String, Set<String>> packageEdges(Path classes, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "-verbose:package", "-filter:none", "--multi-release", "base", classes.toString());
        assertThat(code).as("jdeps exit code; stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && inModule(f[0], prefix)) {
                edges.computeIfAbsent(f[0], k -> new TreeSet<>());
                if (inModule(f[2], prefix) && !f[2].equals(f[0])) {
                    edges.get(f[0]).add(f[2]);
                }
            }
        }
        return edges;
    }

    private static boolean inModule(String pkg, String prefix) {
        return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
    }

    /** The strongly connected groups of two or more packages (Tarjan), each sorted. */
    static List<Set<String>> cycles(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> group = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                group.add(w);
            } while (!w.equals(v));
            if (group.size() > 1) {
                found.add(group);
            }
        }
    }
}
