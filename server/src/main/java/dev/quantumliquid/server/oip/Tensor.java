package dev.quantumliquid.server.oip;

import dev.quantumliquid.server.error.ServerException;
import java.util.Arrays;

/** A decoded OIP input tensor, whatever the protocol: its shape and values, flat in row-major order. */
record Tensor(int[] shape, float[] data) {

    /** [B,T,F], [T,F] or [F] as a batch of sequences. */
    float[][][] toBatch() {
        int b = shape.length == 3 ? shape[0] : 1;
        int steps = shape.length >= 2 ? shape[shape.length - 2] : 1;
        int f = shape[shape.length - 1];
        float[][][] x = new float[b][steps][f];
        int i = 0;
        for (int bi = 0; bi < b; bi++) {
            for (int k = 0; k < steps; k++) {
                System.arraycopy(data, i, x[bi][k], 0, f);
                i += f;
            }
        }
        return x;
    }

    /** Time spans [B,T] as given, or [T] applied to every sequence of a batch of {@code batch} x {@code steps}. */
    float[][] toTimespans(int batch, int steps) {
        if (shape[shape.length - 1] != steps || (shape.length == 2 && shape[0] != batch)) {
            throw ServerException.badRequest("timespans.shape: " + Arrays.toString(shape) + " does not match input ["
                    + batch + ", " + steps + "] (give [B, T] or [T])");
        }
        float[][] dt = new float[batch][steps];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(data, shape.length == 2 ? b * steps : 0, dt[b], 0, steps);
        }
        return dt;
    }
}
