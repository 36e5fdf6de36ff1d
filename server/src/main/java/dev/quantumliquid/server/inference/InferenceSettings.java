package dev.quantumliquid.server.inference;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * Inference: what a request may hold, how many computations run at once and how long one waits for
 * a worker, the result cache and the coherence threshold.
 *
 * @param coherenceThreshold QUANTUM_COHERENCE_THRESHOLD
 * @param maxBatch QLNN_MAX_BATCH
 * @param maxSequenceLength QLNN_MAX_SEQUENCE_LENGTH
 * @param inputAbsMax QLNN_INPUT_ABS_MAX
 * @param workers QLNN_WORKERS
 * @param maxInflight QLNN_MAX_INFLIGHT
 * @param maxQueue QLNN_MAX_QUEUE_MS
 * @param cacheSize QLNN_CACHE_SIZE (0: no result cache)
 * @param cacheMaxMb QLNN_CACHE_MAX_MB
 */
public record InferenceSettings(double coherenceThreshold, int maxBatch, int maxSequenceLength, double inputAbsMax, int workers,
        int maxInflight, Duration maxQueue, int cacheSize, long cacheMaxMb) {

    private static final long MIB = 1L << 20;

    public static final Setting<Double> COHERENCE_THRESHOLD = Setting.named("QUANTUM_COHERENCE_THRESHOLD").defaultsTo("0.6")
            .doc("steps and requests whose coherence is below it are flagged `low_coherence` and counted; `/health` is "
                    + "degraded while a model's rolling mean is below it (0..1)").decimal(0.0, 1.0);
    public static final Setting<Integer> MAX_BATCH = Setting.named("QLNN_MAX_BATCH").defaultsTo("32")
            .doc("most sequences in one request (400 beyond)").count(1, 1_000_000);
    public static final Setting<Integer> MAX_SEQUENCE_LENGTH = Setting.named("QLNN_MAX_SEQUENCE_LENGTH").defaultsTo("4096")
            .doc("most steps per sequence in one request (400 beyond)").count(1, 100_000_000);
    public static final Setting<Double> INPUT_ABS_MAX = Setting.named("QLNN_INPUT_ABS_MAX").defaultsTo("10")
            .doc("largest absolute input value (400 beyond)").decimal(Double.MIN_VALUE, 3.4e38);
    public static final Setting<Integer> WORKERS = Setting.named("QLNN_WORKERS")
            .defaultsTo("number of cores", () -> Integer.toString(Runtime.getRuntime().availableProcessors()))
            .doc("inference computations at once (small requests on their own thread, larger ones on a pool of this many "
                    + "threads)").count(1, 4096);
    public static final Setting<Integer> MAX_INFLIGHT = Setting.named("QLNN_MAX_INFLIGHT").defaultsTo("64")
            .doc("inference requests running or waiting for a worker; beyond it 503 with `Retry-After`").count(1, 1_000_000);
    public static final Setting<Duration> MAX_QUEUE = Setting.named("QLNN_MAX_QUEUE_MS").defaultsTo("1000")
            .doc("longest wait for an inference worker; beyond it 503 with `Retry-After`").millis(1, 600_000);
    public static final Setting<Integer> CACHE_SIZE = Setting.named("QLNN_CACHE_SIZE").defaultsTo("1000")
            .doc("most entries of the result cache (0 disables it); `QLNN_CACHE_MAX_MB` bounds its bytes").count(0, 10_000_000);
    public static final Setting<Long> CACHE_MAX_MB = Setting.named("QLNN_CACHE_MAX_MB").defaultsTo("64")
            .doc("heap the result cache may hold; a result larger than a sixteenth of it is not cached").integer(1, 1_000_000);

    public static final List<Setting<?>> SETTINGS = List.of(COHERENCE_THRESHOLD, MAX_BATCH, MAX_SEQUENCE_LENGTH, INPUT_ABS_MAX,
            WORKERS, MAX_INFLIGHT, MAX_QUEUE, CACHE_SIZE, CACHE_MAX_MB);

    public static InferenceSettings load(PropertySource source) {
        return new InferenceSettings(COHERENCE_THRESHOLD.read(source), MAX_BATCH.read(source), MAX_SEQUENCE_LENGTH.read(source),
                INPUT_ABS_MAX.read(source), WORKERS.read(source), MAX_INFLIGHT.read(source), MAX_QUEUE.read(source),
                CACHE_SIZE.read(source), CACHE_MAX_MB.read(source));
    }

    /** QLNN_CACHE_MAX_MB in bytes. */
    public long cacheBytes() {
        return cacheMaxMb * MIB;
    }
}
