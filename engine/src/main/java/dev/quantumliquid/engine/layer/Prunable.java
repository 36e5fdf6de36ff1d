package dev.quantumliquid.engine.layer;

/**
 * A wired liquid layer whose synapses can be removed (magnitude pruning, spec section 6). Synapses
 * are numbered 0..present-1 in a fixed order over the layer's mask tensors (row-major, in the order
 * the layer lists them); only present synapses (mask != 0) are numbered.
 */
public interface Prunable {
    /** Synapses possible (entries of the mask tensors) and present (mask != 0). */
    SynapseCount synapseCount();

    /**
     * Magnitude of each present synapse, in synapse order: the absolute effective weight the synapse
     * contributes with (LTC: f(w) or f(sensory_w); wired CfC: |W1| + |W2| + |Wa| + |Wb| at that entry).
     */
    double[] synapseMagnitudes();

    /** A new layer equal to this one but with the synapses whose index has remove[i] true masked out. */
    Layer withoutSynapses(boolean[] remove);
}
