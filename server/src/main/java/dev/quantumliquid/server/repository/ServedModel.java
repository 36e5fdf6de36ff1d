package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.Model;
import java.util.Optional;

/** One loaded, checked and warmed model version that takes traffic. */
public record ServedModel(String name, long version, Model model, Optional<Power> power) {
    /** Liquid sparsity of the wired liquid layers; empty when the model has none. */
    public Optional<Double> sparsity() {
        return model.synapses().map(s -> s.sparsity());
    }

    public boolean recurrent() {
        return model.stateSize() > 0;
    }
}
