package dev.quantumliquid.server.inference;

import java.util.OptionalLong;

/**
 * One inference call, protocol-independent.
 *
 * @param model model name
 * @param version a version, or empty for the newest ready one (or the one a state token names)
 * @param input [B][T][F]
 * @param timespans [B][T], or a zero-length array for dt = 1.0 everywhere
 * @param state where the recurrent state comes from
 * @param timeoutMicros longest wait for an inference worker in microseconds (Triton's {@code timeout}),
 *     within QLNN_MAX_QUEUE_MS; 0 for QLNN_MAX_QUEUE_MS alone
 */
public record InferenceRequest(String model, OptionalLong version, float[][][] input, float[][] timespans,
        StateSource state, long timeoutMicros) {
    /** A request without a timeout of its own. */
    public InferenceRequest(String model, OptionalLong version, float[][][] input, float[][] timespans, StateSource state) {
        this(model, version, input, timespans, state, 0);
    }

    public boolean hasTimespans() {
        return timespans.length > 0;
    }
}
