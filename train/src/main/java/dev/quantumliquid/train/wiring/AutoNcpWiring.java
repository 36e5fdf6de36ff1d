package dev.quantumliquid.train.wiring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;

/**
 * ncps 1.0.1 {@code AutoNCP(units, output_size, sparsity_level, seed)}: the NCP sizes derived from
 * the unit count and density exactly as ncps computes them, then {@link NcpWiring}.
 */
public final class AutoNcpWiring {
    /** ncps's default {@code seed}. */
    public static final long DEFAULT_SEED = 22222;
    /** ncps's default {@code sparsity_level}. */
    public static final double DEFAULT_SPARSITY = 0.5;

    private AutoNcpWiring() {
    }

    /** The NCP arguments AutoNCP passes (ncps refuses output_size >= units - 2 and sparsity outside [0.1, 1.0]). */
    public static NcpWiring.Params params(int units, int outputSize, double sparsityLevel) {
        if (outputSize < 1 || outputSize >= units - 2) {
            throw new TrainException("AutoNCP wiring: output size must be in 1.." + (units - 3) + " (less than units - 2, "
                    + units + " units), got " + outputSize);
        }
        // ncps 1.0.1 checks [0.1, 1.0] although its message and docstring say 0.9.
        if (!(sparsityLevel >= 0.1 && sparsityLevel <= 1.0)) {
            throw new TrainException("AutoNCP wiring: sparsity level must be in [0.1, 1.0], got " + sparsityLevel);
        }
        double density = 1.0 - sparsityLevel;
        int interAndCommand = units - outputSize;
        int command = Math.max((int) (0.4 * interAndCommand), 1);
        int inter = interAndCommand - command;
        int sensoryFanout = Math.max((int) (inter * density), 1);
        int interFanout = Math.max((int) (command * density), 1);
        int recurrent = Math.max((int) (command * density * 2), 1);
        int motorFanin = Math.max((int) (command * density), 1);
        return new NcpWiring.Params(inter, command, outputSize, sensoryFanout, interFanout, recurrent, motorFanin);
    }

    public static Wiring build(int units, int outputSize, double sparsityLevel, int inputDim, long seed) {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("units", units).put("output_size", outputSize)
                .put("sparsity_level", sparsityLevel).put("seed", seed);
        return NcpWiring.build("AutoNCP", p, params(units, outputSize, sparsityLevel), inputDim, seed);
    }
}
