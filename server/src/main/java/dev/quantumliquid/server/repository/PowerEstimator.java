package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.Model;
import java.util.Optional;

/**
 * The one place where the server learns a model's power. Empty means "unknown": the model is served,
 * the power gauges have no series for it and the repository index says so; a number is never invented.
 */
@FunctionalInterface
public interface PowerEstimator {
    Optional<Power> estimate(Model model);

    /**
     * Today's estimator: unknown for every model.
     * MERGE: replace with the engine's dev.quantumliquid.engine.energy.EnergyEstimate (microjoules per
     * step from the model's energy profile, microwatts = that x sample_rate_hz) once it lands.
     */
    static PowerEstimator unknown() {
        return model -> Optional.empty();
    }
}
