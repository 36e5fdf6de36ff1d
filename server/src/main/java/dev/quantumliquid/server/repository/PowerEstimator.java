package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.model.Model;
import java.util.Optional;

/**
 * The one place where the server learns a model's power. Empty means "unknown": the model is served,
 * the power gauges have no series for it and the repository index says so; a number is never invented.
 */
@FunctionalInterface
public interface PowerEstimator {
    Optional<Power> estimate(Model model);

    /** Unknown for every model (tests of the "no estimate" path). */
    static PowerEstimator unknown() {
        return model -> Optional.empty();
    }

    /**
     * The engine's estimate (spec section 6): microjoules per step from the operation counts priced
     * by the model's energy profile, microwatts = that x sample_rate_hz. A model naming an unknown
     * profile fails its load with the engine's message (listing the known profiles).
     */
    static PowerEstimator engine() {
        return model -> {
            EnergyEstimate e = EnergyEstimate.of(model, EnergyProfile.forModel(model));
            return Optional.of(new Power(e.microjoulesPerStep(), e.microwatts()));
        };
    }
}
