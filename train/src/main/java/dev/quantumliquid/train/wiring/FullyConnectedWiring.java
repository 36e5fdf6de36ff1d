package dev.quantumliquid.train.wiring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;

/**
 * ncps 1.0.1 {@code FullyConnected(units, output_dim, erev_init_seed, self_connections)}: every synapse,
 * polarity {@code choice([-1, 1, 1])} from {@code default_rng(erev_init_seed)} (PCG64), recurrent
 * synapses row by row in the constructor, then the sensory ones in build(input_dim) from the same stream.
 */
public final class FullyConnectedWiring {
    /** ncps's default {@code erev_init_seed}. */
    public static final long DEFAULT_SEED = 1111;

    private static final int[] POLARITY = {-1, 1, 1};

    private FullyConnectedWiring() {
    }

    public static Wiring build(int units, int outputDim, boolean selfConnections, int inputDim, long seed) {
        if (units < 1) {
            throw new TrainException("FullyConnected wiring: units must be >= 1, got " + units);
        }
        if (outputDim < 1 || outputDim > units) {
            throw new TrainException("FullyConnected wiring: output_dim must be in 1.." + units + ", got " + outputDim);
        }
        Wiring.requireInputDim(inputDim);
        PcgGenerator rng = new PcgGenerator(seed);
        int[][] a = new int[units][units];
        for (int src = 0; src < units; src++) {
            for (int dest = 0; dest < units; dest++) {
                if (src != dest || selfConnections) {
                    a[src][dest] = rng.choice(POLARITY);
                }
            }
        }
        int[][] s = new int[inputDim][units];
        for (int src = 0; src < inputDim; src++) {
            for (int dest = 0; dest < units; dest++) {
                s[src][dest] = rng.choice(POLARITY);
            }
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("units", units).put("output_dim", outputDim)
                .put("erev_init_seed", seed).put("self_connections", selfConnections);
        return new Wiring("FullyConnected", p, outputDim, a, s, Wiring.singleLayer(units));
    }

    /** {@code FullyConnected(units)} with ncps's defaults (output_dim = units, self connections, seed 1111). */
    public static Wiring build(int units, int inputDim) {
        return build(units, units, true, inputDim, DEFAULT_SEED);
    }
}
