package dev.quantumliquid.engine.energy;

import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.model.Model;

/**
 * Energy a model needs per step and its average power on an edge target (spec section 6).
 *
 * <p>Counting rules (each layer's {@code opsPerStep()} applies them to itself; tests check them on
 * hand-counted models):
 * <ul>
 * <li>mac: one multiply and accumulate of a matrix-vector product or elementwise affine map: dense
 *     in x out (the bias add rides on the first accumulate), scale F; liquid layers one per present
 *     synapse term, so synapses whose mask is 0 are skipped and cost nothing.</li>
 * <li>transcendental: one evaluation of exp, tanh, sigmoid, log1p (softplus), atan, sin or cos; an
 *     activation costs one per element (none and relu cost none).</li>
 * <li>division: one floating-point division (e.g. the LTC voltage update).</li>
 * <li>amplitude update: one complex amplitude (or density-matrix entry) recomputed by a single-qubit
 *     gate of the simulated circuit.</li>
 * <li>Comparisons, copies and memory traffic are not counted; the profile's cycle figures say how
 *     much of that they absorb.</li>
 * </ul>
 * cycles/step = sum over kinds of count x profile cycles; uJ/step = cycles x pJ/cycle x 1e-6;
 * uW = uJ/step x sample_rate_hz (active energy only: the target is assumed to sleep at negligible
 * power between steps); coreLoad = cycles/step x sample_rate_hz / clock, the share of the core's
 * cycles the model needs in real time (above 1 the target cannot keep up).
 */
public record EnergyEstimate(String profile, OpCounts ops, double cyclesPerStep, double microjoulesPerStep,
        double sampleRateHz, double microwatts, double coreLoad) {

    /** The estimate for one step of the model at its model.json sample rate. */
    public static EnergyEstimate of(Model model, EnergyProfile profile) {
        return of(model.opsPerStep(), model.info().sampleRateHz(), profile);
    }

    /** The estimate for these per-step operation counts at this sample rate. */
    public static EnergyEstimate of(OpCounts ops, double sampleRateHz, EnergyProfile profile) {
        double cycles = profile.cyclesFor(ops);
        double uj = cycles * profile.picojoulesPerCycle().value() * 1e-6;
        double load = cycles * sampleRateHz / (profile.clockMhz().value() * 1e6);
        return new EnergyEstimate(profile.name(), ops, cycles, uj, sampleRateHz, uj * sampleRateHz, load);
    }
}
