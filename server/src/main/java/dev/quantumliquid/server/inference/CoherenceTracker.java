package dev.quantumliquid.server.inference;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Rolling mean coherence per model over its last {@value #WINDOW} requests (the mean of each request's steps). */
public final class CoherenceTracker {
    static final int WINDOW = 100;

    private static final class Ring {
        private final double[] values = new double[WINDOW];
        private int count;
        private int next;
        private double sum;

        synchronized void add(double v) {
            if (count == WINDOW) {
                sum -= values[next];
            } else {
                count++;
            }
            values[next] = v;
            sum += v;
            next = (next + 1) % WINDOW;
        }

        synchronized double mean() {
            return sum / count;
        }
    }

    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

    public void record(String model, double requestMean) {
        Ring r = rings.get(model); // a plain get first: computeIfAbsent may lock the bin even when the key is present
        (r != null ? r : rings.computeIfAbsent(model, m -> new Ring())).add(requestMean);
    }

    public Optional<Double> mean(String model) {
        Ring r = rings.get(model);
        return r == null ? Optional.empty() : Optional.of(r.mean());
    }

    /** Rolling means of every model that has reported coherence, by name. */
    public Map<String, Double> means() {
        Map<String, Double> m = new TreeMap<>();
        rings.forEach((k, v) -> m.put(k, v.mean()));
        return m;
    }
}
