package dev.quantumliquid.engine.pruning;

import dev.quantumliquid.engine.model.Model;

/**
 * Outcome of {@link Pruning#prune}: the pruned model (the original itself when nothing was removed),
 * liquid sparsity before and after, the drift measured on the calibration input and how many synapses
 * were removed.
 */
public record PruningResult(Model model, double sparsityBefore, double sparsity, double drift, long removed) {
}
