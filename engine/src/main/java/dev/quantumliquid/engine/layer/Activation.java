package dev.quantumliquid.engine.layer;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.kernel.KernelMath;
import org.apache.commons.numbers.gamma.Erf;

/** Elementwise activations of the format, each in float32 and float64 (spec sections 3 and 5). */
public enum Activation {
    NONE, TANH, RELU, SIGMOID, LECUN_TANH, SILU, GELU;

    public static Activation parse(String name, String where) {
        return switch (name) {
            case "none", "linear", "identity" -> NONE;
            case "tanh" -> TANH;
            case "relu" -> RELU;
            case "sigmoid" -> SIGMOID;
            case "lecun_tanh" -> LECUN_TANH;
            case "silu" -> SILU;
            case "gelu" -> GELU;
            default -> throw new EngineException(where + ": unknown activation '" + name
                    + "' (expected none, tanh, relu, sigmoid, lecun_tanh, silu or gelu)");
        };
    }

    public double apply(double z) {
        return switch (this) {
            case NONE -> z;
            case TANH -> Math.tanh(z);
            case RELU -> z > 0 ? z : 0.0;
            case SIGMOID -> KernelMath.sigmoid(z);
            case LECUN_TANH -> 1.7159 * Math.tanh(0.666 * z);
            case SILU -> z * KernelMath.sigmoid(z);
            case GELU -> 0.5 * z * (1.0 + Erf.value(z / Math.sqrt(2.0)));
        };
    }

    public float apply(float z) {
        return switch (this) {
            case NONE -> z;
            case TANH -> (float) Math.tanh(z);
            case RELU -> z > 0f ? z : 0f;
            case SIGMOID -> KernelMath.sigmoid(z);
            case LECUN_TANH -> 1.7159f * (float) Math.tanh(0.666f * z);
            case SILU -> z * KernelMath.sigmoid(z);
            case GELU -> (float) (0.5 * z * (1.0 + Erf.value(z / Math.sqrt(2.0))));
        };
    }

    /** This activation of the C expression {@code z} in the exported C (helpers of {@code CSource}). */
    public String c(String z) {
        return switch (this) {
            case NONE -> z;
            case TANH -> "tanhf(" + z + ")";
            case RELU -> "reluf(" + z + ")";
            case SIGMOID -> "sigmoidf(" + z + ")";
            case LECUN_TANH -> "lecun_tanhf(" + z + ")";
            case SILU -> "siluf(" + z + ")";
            case GELU -> "geluf(" + z + ")";
        };
    }

    /** Transcendental evaluations per element, for the energy estimate. */
    public int transcendentals() {
        return switch (this) {
            case NONE, RELU -> 0;
            default -> 1;
        };
    }
}
