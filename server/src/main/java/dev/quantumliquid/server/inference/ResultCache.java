package dev.quantumliquid.server.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * LRU cache of computed results (QLNN_CACHE_SIZE entries; 0 disables it), keyed by everything that
 * determines the answer: model, version, input, time spans and incoming state with its step count.
 */
final class ResultCache {
    /** Flattened request; arrays compared by content. */
    static final class Key {
        private final String model;
        private final long version;
        private final long steps;
        private final int batch;
        private final int length;
        private final float[] input;     // [B*T*F]
        private final float[] timespans; // [B*T] or empty
        private final float[] state;     // [stateSize] or empty for a fresh start
        private final int hash;

        Key(String model, long version, long steps, int batch, int length, float[] input, float[] timespans, float[] state) {
            this.model = model;
            this.version = version;
            this.steps = steps;
            this.batch = batch;
            this.length = length;
            this.input = input;
            this.timespans = timespans;
            this.state = state;
            this.hash = Objects.hash(model, version, steps, batch, length, Arrays.hashCode(input), Arrays.hashCode(timespans),
                    Arrays.hashCode(state));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && version == k.version && steps == k.steps && batch == k.batch
                    && length == k.length && model.equals(k.model) && Arrays.equals(input, k.input)
                    && Arrays.equals(timespans, k.timespans) && Arrays.equals(state, k.state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A computed result (shared between hits: never written after construction).
     *
     * @param output [B][T][O]
     * @param coherence [B][T], or zero rows for a model without a quantum circuit
     * @param finalState [stateSize] of sample 0 (the one sequence of a stateful request), or empty
     */
    record Value(float[][][] output, float[][] coherence, float[] finalState) {
    }

    private final Cache<Key, Value> cache; // absent when disabled

    ResultCache(int size) {
        this.cache = size == 0 ? null : Caffeine.newBuilder().maximumSize(size).build();
    }

    Optional<Value> get(Key k) {
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.getIfPresent(k));
    }

    void put(Key k, Value v) {
        if (cache != null) {
            cache.put(k, v);
        }
    }

    boolean enabled() {
        return cache != null;
    }
}
