package dev.quantumliquid.engine.layer;

/** Synapses of a wired liquid layer: how many the wiring allows in principle and how many are present (mask != 0). */
public record SynapseCount(long possible, long present) {
    public SynapseCount plus(SynapseCount o) {
        return new SynapseCount(possible + o.possible, present + o.present);
    }

    /** Share of absent synapses among possible ones. */
    public double sparsity() {
        return possible == 0 ? 0.0 : (double) (possible - present) / possible;
    }
}
