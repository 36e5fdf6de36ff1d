package dev.quantumliquid.engine.energy;

import dev.quantumliquid.engine.EngineException;

/**
 * Energy per step and average power from a measured instruction count (spec section 6's second
 * estimate): cycles = instructions x the profile's cycles per instruction; uJ/step = cycles x pJ/cycle
 * x 1e-6; uW = uJ/step x sample_rate_hz; coreLoad = cycles x sample_rate_hz / clock.
 */
public record InstructionEnergy(String profile, double instructionsPerStep, double cyclesPerInstruction,
        double cyclesPerStep, double microjoulesPerStep, double sampleRateHz, double microwatts, double coreLoad) {

    /** The estimate for {@code instructions} per step at {@code sampleRateHz}; the profile must give cycles per instruction. */
    public static InstructionEnergy of(double instructions, double sampleRateHz, EnergyProfile p) {
        double cpi = p.cyclesPerInstruction().orElseThrow(() -> new EngineException("energy profile '" + p.name()
                + "' has no cycles_per_instruction, needed for an estimate from measured instructions")).value();
        double cycles = instructions * cpi;
        double uj = cycles * p.picojoulesPerCycle().value() * 1e-6;
        return new InstructionEnergy(p.name(), instructions, cpi, cycles, uj, sampleRateHz, uj * sampleRateHz,
                cycles * sampleRateHz / (p.clockMhz().value() * 1e6));
    }
}
