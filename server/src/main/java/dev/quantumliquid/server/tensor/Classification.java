package dev.quantumliquid.server.tensor;

import java.util.List;
import java.util.Locale;

/**
 * Triton's classification extension, protocol-neutral: the {@code k} highest values of one row of
 * an output (its last dimension) as BYTES elements {@code "<value>:<index>[:<label>]"}, highest
 * first, equal values in index order. The value is printed as C's {@code %f} (six decimals, as
 * Triton's {@code std::to_string}); the label is the model's output name of that index when the
 * model names its outputs.
 */
public final class Classification {
    private Classification() {
    }

    /**
     * The top {@code k} of {@code values[offset, offset + length)}; {@code labels} empty or one per
     * index. {@code k} must be in [1, length] (the caller names the request field when it is not).
     */
    public static String[] topK(float[] values, int offset, int length, int k, List<String> labels) {
        if (k < 1 || k > length) {
            throw new IllegalArgumentException("k = " + k + " of " + length + " classes");
        }
        int[] best = new int[k]; // indices into the row, best first; a selection, k is small
        int n = 0;
        for (int i = 0; i < length; i++) {
            float v = values[offset + i];
            int at = n;
            while (at > 0 && v > values[offset + best[at - 1]]) {
                at--;
            }
            if (at < k) {
                System.arraycopy(best, at, best, at + 1, Math.min(n, k - 1) - at);
                best[at] = i;
                n = Math.min(n + 1, k);
            }
        }
        String[] out = new String[k];
        for (int j = 0; j < k; j++) {
            int i = best[j];
            out[j] = String.format(Locale.ROOT, "%f", (double) values[offset + i]) + ":" + i
                    + (labels.size() == length ? ":" + labels.get(i) : "");
        }
        return out;
    }
}
