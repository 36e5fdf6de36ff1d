package dev.quantumliquid.engine;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded fuzz loop for JUnit tests: {@code qlnn.fuzz.iterations} cases (1000 by default, raise it
 * with {@code -Dqlnn.fuzz.iterations=N} for a long run) from seed {@code qlnn.fuzz.seed}; every case
 * has a time limit (no hang) and the outcomes are counted and printed as one line.
 */
public final class Fuzz {
    /** One case: returns its outcome label, throws AssertionError to fail. */
    public interface Case {
        String run(SplittableRandom random, int index);
    }

    private Fuzz() {
    }

    public static int iterations() {
        return Integer.getInteger("qlnn.fuzz.iterations", 1000);
    }

    public static long seed() {
        return Long.getLong("qlnn.fuzz.seed", 20_261_126L);
    }

    /** Runs the cases; the per-case random is derived from the seed and index, so a failure names what reproduces it. */
    public static Map<String, Integer> run(String name, double secondsPerCase, Case c) {
        Map<String, Integer> outcomes = new TreeMap<>();
        long seed = seed();
        int n = iterations();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            String outcome;
            try {
                outcome = c.run(new SplittableRandom(seed * 1_000_003L + i), i);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(name + ": case " + i + " (seed " + seed + ") failed: " + e, e);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (s > secondsPerCase) {
                throw new AssertionError(name + ": case " + i + " (seed " + seed + ") took " + s + " s (a hang?)");
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("fuzz " + name + ": " + n + " cases, seed " + seed + ", " + outcomes);
        return outcomes;
    }

    /** One of the given values. */
    @SafeVarargs
    public static <T> T pick(SplittableRandom r, T... values) {
        return values[r.nextInt(values.length)];
    }
}
