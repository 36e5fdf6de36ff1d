package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.pruning.Calibration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One loaded, checked and warmed model version that takes traffic.
 *
 * @param digest what was loaded (SHA-256 of model.json, which pins every file) and how it was pruned:
 *     results, cache entries and state tokens are bound to it, so replacing a version's files never
 *     lets an answer of the old content through
 * @param calibration the version's verified calibration sequences (or the generated ones): pruning
 *     drift and the coherence health probe run on them
 * @param probeCoherence mean coherence of the served model over its calibration sequences, for a model
 *     with a quantum circuit: what /health compares with QUANTUM_COHERENCE_THRESHOLD (no client input
 *     can move it)
 */
public record ServedModel(String name, long version, Model model, Optional<Power> power, String digest,
        Calibration calibration, OptionalDouble probeCoherence) {
    /** Liquid sparsity of the wired liquid layers; empty when the model has none. */
    public Optional<Double> sparsity() {
        return model.synapses().map(s -> s.sparsity());
    }

    public boolean recurrent() {
        return model.stateSize() > 0;
    }
}
