package dev.quantumliquid.server.repository;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The model repository: the folder it serves, how often it is scanned, and what a version must pass
 * to serve (load time, memory, pruning, energy).
 *
 * @param folder the folder served (QLNN_MODEL_REPOSITORY, or the cache's copy of a bucket)
 * @param pollInterval QLNN_POLL_INTERVAL_S (zero: no polling)
 * @param liquidSparsity LIQUID_SPARSITY
 * @param pruneMaxDrift QLNN_PRUNE_MAX_DRIFT
 * @param energy ENERGY_BUDGET_UW and QLNN_ENERGY_POLICY
 * @param loadTimeout QLNN_LOAD_TIMEOUT_S
 * @param modelMemoryMb QLNN_MODEL_MEMORY_MB as given (0: half the maximum heap)
 */
public record RepositorySettings(Path folder, Duration pollInterval, double liquidSparsity, double pruneMaxDrift,
        EnergySettings energy, Duration loadTimeout, long modelMemoryMb) {

    private static final long MIB = 1L << 20;

    public static final Setting<Duration> POLL_INTERVAL = Setting.named("QLNN_POLL_INTERVAL_S").defaultsTo("5")
            .flag("--poll-interval").doc("seconds between repository scans (0 disables polling)").seconds(0);
    public static final Setting<Double> LIQUID_SPARSITY = Setting.named("LIQUID_SPARSITY").defaultsTo("0.4")
            .doc("target sparsity of wired liquid layers, pruned to it at load (0..1)").decimal(0.0, 1.0);
    public static final Setting<Double> PRUNE_MAX_DRIFT = Setting.named("QLNN_PRUNE_MAX_DRIFT").defaultsTo("0.05")
            .doc("largest change of any output (absolute, on the calibration sequence) that load-time pruning may cause; "
                    + "beyond it pruning is refused and the model served unpruned").decimal(0.0, 1e6);
    public static final Setting<Duration> LOAD_TIMEOUT = Setting.named("QLNN_LOAD_TIMEOUT_S").defaultsTo("120")
            .doc("longest a model version may take to load; beyond it the version is `UNAVAILABLE`").seconds(0.1);
    public static final Setting<Long> MODEL_MEMORY_MB = Setting.named("QLNN_MODEL_MEMORY_MB").defaultsTo("0")
            .doc("heap a model version may need once loaded (about 4 x its file sizes); a larger one is refused before it is "
                    + "read. 0: half the maximum heap").integer(0, 1_000_000);

    public static final List<Setting<?>> SETTINGS = Settings.concat(List.of(POLL_INTERVAL, LIQUID_SPARSITY, PRUNE_MAX_DRIFT),
            EnergySettings.SETTINGS, List.of(LOAD_TIMEOUT, MODEL_MEMORY_MB));

    /** Reads the settings for the repository in {@code folder}. */
    public static RepositorySettings load(PropertySource source, Path folder) {
        return new RepositorySettings(folder, POLL_INTERVAL.read(source), LIQUID_SPARSITY.read(source),
                PRUNE_MAX_DRIFT.read(source), EnergySettings.load(source), LOAD_TIMEOUT.read(source), MODEL_MEMORY_MB.read(source));
    }

    /** QLNN_MODEL_MEMORY_MB in bytes, 0 resolved to half the maximum heap. */
    public long modelMemoryBytes() {
        return modelMemoryMb == 0 ? Runtime.getRuntime().maxMemory() / 2 : modelMemoryMb * MIB;
    }
}
