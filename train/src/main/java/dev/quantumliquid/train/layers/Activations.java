package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.grad.Tape;

/** The format's activations as tape operations. */
final class Activations {
    private Activations() {
    }

    static int apply(Tape t, Activation a, int z) {
        return switch (a) {
            case NONE -> z;
            case TANH -> t.tanh(z);
            case RELU -> t.relu(z);
            case SIGMOID -> t.sigmoid(z);
            case LECUN_TANH -> t.lecunTanh(z);
            case SILU -> t.silu(z);
            case GELU -> t.gelu(z);
        };
    }

    static String name(Activation a) {
        return a.name().toLowerCase(java.util.Locale.ROOT);
    }
}
