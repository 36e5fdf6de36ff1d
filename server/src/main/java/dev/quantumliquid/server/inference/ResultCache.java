package dev.quantumliquid.server.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;
import java.util.Optional;

/**
 * LRU cache of computed results keyed by everything that determines the answer: model, version,
 * the content digest of what that version serves (a version whose files were replaced never
 * answers from the old content), input, time spans and incoming state with its step count.
 * Bounded by bytes (QLNN_CACHE_MAX_MB) and entries (QLNN_CACHE_SIZE; 0 disables it); a result
 * larger than a sixteenth of the byte bound is not cached.
 */
final class ResultCache {
    /** Heap of an entry besides its arrays: key and value objects, array headers, the cache's node. */
    static final long ENTRY_OVERHEAD_BYTES = 256;

    /** Flattened request; arrays compared by content. */
    static final class Key {
        private final String model;
        private final long version;
        private final String digest;
        private final long steps;
        private final int batch;
        private final int length;
        private final float[] input;     // [B*T*F]
        private final float[] timespans; // [B*T] or empty
        private final float[] state;     // [stateSize] or empty for a fresh start
        private final int hash;

        Key(String model, long version, String digest, long steps, int batch, int length, float[] input, float[] timespans,
                float[] state) {
            this.model = model;
            this.version = version;
            this.digest = digest;
            this.steps = steps;
            this.batch = batch;
            this.length = length;
            this.input = input;
            this.timespans = timespans;
            this.state = state;
            // Written out rather than Objects.hash: no varargs array, no boxing (a key is built per request).
            int h = model.hashCode();
            h = 31 * h + Long.hashCode(version);
            h = 31 * h + digest.hashCode();
            h = 31 * h + Long.hashCode(steps);
            h = 31 * h + batch;
            h = 31 * h + length;
            h = 31 * h + Arrays.hashCode(input);
            h = 31 * h + Arrays.hashCode(timespans);
            this.hash = 31 * h + Arrays.hashCode(state);
        }

        long bytes() {
            return 4L * (input.length + timespans.length + state.length) + 2L * (model.length() + digest.length());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && version == k.version && steps == k.steps && batch == k.batch
                    && length == k.length && model.equals(k.model) && digest.equals(k.digest)
                    && Arrays.equals(input, k.input) && Arrays.equals(timespans, k.timespans) && Arrays.equals(state, k.state);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A computed result, flat (shared between hits: never written after construction).
     *
     * @param output [B*T*O]
     * @param coherence [B*T], or empty for a model without a quantum circuit
     * @param finalState [stateSize] of sample 0 (the one sequence of a stateful request), or empty
     */
    record Value(int batch, int steps, int outputs, float[] output, float[] coherence, float[] finalState) {
        /** From per-sequence arrays: output [B][T][O], coherence [B][T] or zero rows. */
        static Value of(float[][][] output, float[][] coherence, float[] finalState) {
            int b = output.length;
            int t = output[0].length;
            int o = t == 0 ? 0 : output[0][0].length;
            float[] flat = new float[b * t * o];
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < t; k++) {
                    System.arraycopy(output[i][k], 0, flat, (i * t + k) * o, o);
                }
            }
            float[] coh = new float[coherence.length == 0 ? 0 : b * t];
            for (int i = 0; i < coherence.length; i++) {
                System.arraycopy(coherence[i], 0, coh, i * t, t);
            }
            return new Value(b, t, o, flat, coh, finalState);
        }

        /** Output as [B][T][O]. */
        float[][][] outputRows() {
            float[][][] y = new float[batch][steps][];
            for (int i = 0; i < batch; i++) {
                for (int k = 0; k < steps; k++) {
                    y[i][k] = Arrays.copyOfRange(output, (i * steps + k) * outputs, (i * steps + k + 1) * outputs);
                }
            }
            return y;
        }

        /** Coherence as [B][T], or zero rows. */
        float[][] coherenceRows() {
            if (coherence.length == 0) {
                return new float[0][];
            }
            float[][] c = new float[batch][];
            for (int i = 0; i < batch; i++) {
                c[i] = Arrays.copyOfRange(coherence, i * steps, (i + 1) * steps);
            }
            return c;
        }

        long bytes() {
            return 4L * (output.length + coherence.length + finalState.length);
        }
    }

    private final Cache<Key, Value> cache; // absent when disabled
    private final long maxEntryBytes;

    /**
     * @param entries most entries (0 disables the cache)
     * @param bytes most heap held by keys and values together
     */
    ResultCache(int entries, long bytes) {
        this.maxEntryBytes = bytes / 16;
        // Each entry weighs its bytes but at least bytes / entries, so neither bound is ever passed.
        long floor = entries == 0 ? 1 : Math.max(1, bytes / entries);
        // Maintenance (applying reads and writes to the eviction policy, evicting) runs on the thread
        // that triggers it, amortised over its buffers: the default hands it to the common pool, which
        // on a two-core server wakes another thread for nearly every miss's put.
        this.cache = entries == 0 ? null : Caffeine.newBuilder().executor(Runnable::run).maximumWeight(bytes)
                .<Key, Value>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, weight(k, v)))).build();
    }

    private static long weight(Key k, Value v) {
        return k.bytes() + v.bytes() + ENTRY_OVERHEAD_BYTES;
    }

    Optional<Value> get(Key k) {
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.getIfPresent(k));
    }

    void put(Key k, Value v) {
        if (cache != null && weight(k, v) <= maxEntryBytes) {
            cache.put(k, v);
        }
    }

    boolean enabled() {
        return cache != null;
    }

    /** Bytes the entries weigh now (after pending evictions). */
    long weightedBytes() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
