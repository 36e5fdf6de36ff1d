package dev.quantumliquid.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.layer.Layer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/** The engine's packages depend on each other one way only, as jdeps reads the compiled classes. */
class PackageCyclesTest {
    private static final String ROOT = "dev.quantumliquid.engine";

    @Test
    void noPackageCycle() throws URISyntaxException {
        Path classes = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps is not in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", classes.toString());
        assertThat(rc).as(err.toString()).isZero();
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && f[0].startsWith(ROOT) && f[2].startsWith(ROOT) && !f[0].equals(f[2])) {
                edges.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
            }
        }
        assertThat(edges).as("jdeps found no edges between engine packages:\n" + out).containsKey(ROOT + ".model");
        assertThat(cycle(edges)).as("package cycle").isEmpty();
    }

    /** One cycle of the graph (its packages in order, the first repeated last), or empty when it has none. */
    static List<String> cycle(Map<String, Set<String>> edges) {
        Map<String, Integer> state = new TreeMap<>(); // 1 on the current path, 2 done
        List<String> path = new ArrayList<>();
        for (String start : edges.keySet()) {
            List<String> c = visit(start, edges, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return List.of();
    }

    private static List<String> visit(String p, Map<String, Set<String>> edges, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(p);
        if (s != null) {
            if (s == 1) {
                List<String> c = new ArrayList<>(path.subList(path.indexOf(p), path.size()));
                c.add(p);
                return c;
            }
            return List.of();
        }
        state.put(p, 1);
        path.add(p);
        for (String q : edges.getOrDefault(p, Set.of())) {
            List<String> c = visit(q, edges, state, path);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
        return List.of();
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycle(new TreeMap<>(g))).containsExactly("a", "b", "c", "a");
        assertThat(cycle(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"))))).isEmpty();
    }
}
