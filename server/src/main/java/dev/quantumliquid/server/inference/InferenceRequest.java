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
 */
public record InferenceRequest(String model, OptionalLong version, float[][][] input, float[][] timespans,
        StateSource state) {
    public boolean hasTimespans() {
        return timespans.length > 0;
    }
}
