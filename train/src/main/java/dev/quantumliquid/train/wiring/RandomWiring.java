package dev.quantumliquid.train.wiring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;

/**
 * ncps 1.0.1 {@code Random(units, output_dim, sparsity_level, random_seed)} with {@code default_rng}
 * (PCG64): round(units^2 (1 - sparsity)) distinct synapses by {@code choice(replace=False)}, each with
 * polarity {@code choice([-1, 1, 1])}; in build(input_dim) the same for the sensory synapses, where ncps
 * draws the polarity twice and keeps the second (reproduced, since it moves the stream).
 */
public final class RandomWiring {
    /** ncps's default {@code random_seed}. */
    public static final long DEFAULT_SEED = 1111;

    private static final int[] POLARITY = {-1, 1, 1};

    private RandomWiring() {
    }

    public static Wiring build(int units, int outputDim, double sparsityLevel, int inputDim, long seed) {
        if (units < 1) {
            throw new TrainException("Random wiring: units must be >= 1, got " + units);
        }
        if (outputDim < 1 || outputDim > units) {
            throw new TrainException("Random wiring: output_dim must be in 1.." + units + ", got " + outputDim);
        }
        if (!(sparsityLevel >= 0.0 && sparsityLevel < 1.0)) {
            throw new TrainException("Random wiring: sparsity level must be in [0, 1), got " + sparsityLevel);
        }
        Wiring.requireInputDim(inputDim);
        PcgGenerator rng = new PcgGenerator(seed);
        int[][] a = new int[units][units];
        int count = (int) Math.rint(Math.multiplyExact(units, units) * (1 - sparsityLevel));
        for (int k : rng.choiceWithoutReplacement(units * units, count)) {
            a[k / units][k % units] = rng.choice(POLARITY);
        }
        int[][] s = new int[inputDim][units];
        int sensoryCount = (int) Math.rint(Math.multiplyExact(inputDim, units) * (1 - sparsityLevel));
        for (int k : rng.choiceWithoutReplacement(inputDim * units, sensoryCount)) {
            rng.choice(POLARITY);
            s[k / units][k % units] = rng.choice(POLARITY);
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("units", units).put("output_dim", outputDim)
                .put("sparsity_level", sparsityLevel).put("random_seed", seed);
        return new Wiring("Random", p, outputDim, a, s, Wiring.singleLayer(units));
    }
}
