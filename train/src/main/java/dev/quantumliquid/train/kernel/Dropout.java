package dev.quantumliquid.train.kernel;

/**
 * Training-time dropout masks (ncps's backbone {@code torch.nn.Dropout(p)}: each unit kept with
 * probability 1 - p and scaled by 1/(1 - p), identity at evaluation) from a counter-based generator: the
 * factor of one element is a hash of the pass's key and the element's coordinates, so a mask depends on
 * the run's seed, the optimiser step, the chunk and the element only, never on the thread that draws it
 * or the order of drawing, and a forward pass and its backward pass see the same mask.
 */
public final class Dropout {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Dropout() {
    }

    /** The key of chunk {@code chunk} of optimiser step {@code step} in a run seeded with {@code seed}. */
    public static long key(long seed, long step, int chunk) {
        return mix(mix(mix(seed) + step * GOLDEN) + chunk * GOLDEN);
    }

    /**
     * The factor of element {@code index} under key: 0 (dropped, with probability p) or 1/(1 - p) (kept).
     * p in [0, 1); p = 0 keeps everything with factor 1.
     */
    public static double factor(long key, long index, double p) {
        if (p == 0.0) {
            return 1.0;
        }
        double uniform = (mix(key + (index + 1) * GOLDEN) >>> 11) * 0x1.0p-53;
        return uniform < p ? 0.0 : 1.0 / (1.0 - p);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
