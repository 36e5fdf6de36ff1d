package dev.quantumliquid.server.inference;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per model version inference statistics in Triton's terms, recorded by {@link Inference} whatever
 * protocol the request came in, read by the HTTP and gRPC statistics endpoints. Phases of one
 * request: {@code queue} (waiting for an inference worker), {@code compute_input} (validation,
 * state restore, cache lookup), {@code compute_infer} (the model's steps), {@code compute_output}
 * (coherence, continuation token); {@code success} is the whole of a request that succeeded,
 * {@code fail} of one that failed once its version was known. {@code inference_count} counts
 * sequences (the batch size, as Triton counts), {@code execution_count} model executions (a cache
 * hit executes nothing).
 */
public final class ModelStatistics {
    /** A count and the nanoseconds spent in it. */
    public record Stat(long count, long ns) {
        static final Stat ZERO = new Stat(0, 0);
    }

    /**
     * The statistics of one version.
     *
     * @param lastInferenceMillis when the last request succeeded, in milliseconds since the epoch (0: never)
     */
    public record Snapshot(String name, long version, long lastInferenceMillis, long inferenceCount, long executionCount,
            Stat success, Stat fail, Stat queue, Stat computeInput, Stat computeInfer, Stat computeOutput, Stat cacheHit,
            Stat cacheMiss) {
    }

    /**
     * How one successful request spent its time, in nanoseconds.
     *
     * @param cache whether the result cache was consulted; {@code cacheHit} whether it answered
     * @param cacheNs time spent looking the result up (and storing it on a miss)
     */
    public record Timing(long totalNs, long queueNs, long computeInputNs, long computeInferNs, long computeOutputNs,
            boolean cache, boolean cacheHit, long cacheNs) {
    }

    private record Key(String name, long version) {
    }

    private static final class Pair {
        final LongAdder count = new LongAdder();
        final LongAdder ns = new LongAdder();

        void add(long nanos) {
            count.increment();
            ns.add(nanos);
        }

        Stat get() {
            return new Stat(count.sum(), ns.sum());
        }
    }

    private static final class Counters {
        final AtomicLong last = new AtomicLong();
        final LongAdder inferences = new LongAdder();
        final LongAdder executions = new LongAdder();
        final Pair success = new Pair();
        final Pair fail = new Pair();
        final Pair queue = new Pair();
        final Pair input = new Pair();
        final Pair infer = new Pair();
        final Pair output = new Pair();
        final Pair cacheHit = new Pair();
        final Pair cacheMiss = new Pair();
    }

    private final Clock clock;
    /** Grows with the versions ever served (a few per model): counters are a few hundred bytes each. */
    private final ConcurrentHashMap<Key, Counters> versions = new ConcurrentHashMap<>();

    public ModelStatistics(Clock clock) {
        this.clock = clock;
    }

    private Counters of(String name, long version) {
        return versions.computeIfAbsent(new Key(name, version), k -> new Counters());
    }

    /** A request of {@code batch} sequences that succeeded. */
    public void success(String name, long version, int batch, Timing t) {
        Counters c = of(name, version);
        c.inferences.add(batch);
        c.success.add(t.totalNs());
        if (t.cache()) {
            (t.cacheHit() ? c.cacheHit : c.cacheMiss).add(t.cacheNs());
        }
        if (!t.cacheHit()) {
            c.executions.increment();
            c.queue.add(t.queueNs());
            c.input.add(t.computeInputNs());
            c.infer.add(t.computeInferNs());
            c.output.add(t.computeOutputNs());
        }
        c.last.accumulateAndGet(clock.millis(), Math::max);
    }

    /** A request that failed after its version was chosen (bad input for the model, overload, non-finite result). */
    public void failure(String name, long version, long totalNs) {
        of(name, version).fail.add(totalNs);
    }

    /** The statistics of a version (all zero when it has served nothing yet). */
    public Snapshot snapshot(String name, long version) {
        Counters c = versions.get(new Key(name, version));
        if (c == null) {
            Stat z = Stat.ZERO;
            return new Snapshot(name, version, 0, 0, 0, z, z, z, z, z, z, z, z);
        }
        return new Snapshot(name, version, c.last.get(), c.inferences.sum(), c.executions.sum(), c.success.get(),
                c.fail.get(), c.queue.get(), c.input.get(), c.infer.get(), c.output.get(), c.cacheHit.get(),
                c.cacheMiss.get());
    }
}
