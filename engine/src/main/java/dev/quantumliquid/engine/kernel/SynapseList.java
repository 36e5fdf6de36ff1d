package dev.quantumliquid.engine.kernel;

/**
 * The present synapses of a liquid (LTC) layer, compressed for {@link Kernels#synapseCurrents}: grouped
 * by postsynaptic neuron (CSR offsets), each with its presynaptic neuron and constants. The arrays are
 * padded to a multiple of {@link PackedMatrix#LANES} with synapses of weight 0 that belong to no neuron,
 * so a vector kernel needs no scalar tail.
 */
public final class SynapseList {
    final int posts;
    final int count;
    final int padded;
    final int[] start;    // [posts+1]: neuron j's synapses are [start[j], start[j+1])
    final int[] pre;      // [padded] presynaptic neuron index (0 for padding)
    final float[] sigma;  // [padded]
    final float[] mu;     // [padded]
    final float[] weight; // [padded] effective (already made positive) weight, 0 for padding
    final float[] erev;   // [padded]

    /**
     * Synapse s goes from pre[s] to post[s]; posts must be non-decreasing (the caller lists them neuron by
     * neuron). pre indexes the voltage vector the kernel is given.
     */
    public static SynapseList of(int posts, int[] post, int[] pre, float[] sigma, float[] mu, float[] weight,
            float[] erev) {
        int n = post.length;
        if (pre.length != n || sigma.length != n || mu.length != n || weight.length != n || erev.length != n) {
            throw new IllegalArgumentException("synapse arrays of unequal length");
        }
        int[] start = new int[posts + 1];
        for (int s = 0; s < n; s++) {
            if (post[s] < 0 || post[s] >= posts || (s > 0 && post[s] < post[s - 1]) || pre[s] < 0) {
                throw new IllegalArgumentException("synapse " + s + ": post " + post[s] + " pre " + pre[s]
                        + " (posts must be sorted, in 0.." + (posts - 1) + ")");
            }
            start[post[s] + 1]++;
        }
        for (int j = 0; j < posts; j++) {
            start[j + 1] += start[j];
        }
        return new SynapseList(posts, n, start, pre, sigma, mu, weight, erev);
    }

    private SynapseList(int posts, int count, int[] start, int[] pre, float[] sigma, float[] mu, float[] weight,
            float[] erev) {
        this.posts = posts;
        this.count = count;
        this.padded = PackedMatrix.paddedRows(Math.max(count, 1));
        this.start = start;
        this.pre = java.util.Arrays.copyOf(pre, padded);
        this.sigma = java.util.Arrays.copyOf(sigma, padded);
        this.mu = java.util.Arrays.copyOf(mu, padded);
        this.weight = java.util.Arrays.copyOf(weight, padded);
        this.erev = java.util.Arrays.copyOf(erev, padded);
    }

    public int posts() {
        return posts;
    }

    /** Real (present) synapses. */
    public int count() {
        return count;
    }

    /** Scratch floats {@link Kernels#synapseCurrents} needs. */
    public int scratchSize() {
        return 2 * padded;
    }

    /** The present synapses without padding, copied: neuron j's are [start[j], start[j+1]) of the other arrays. */
    public record Present(int[] start, int[] pre, float[] sigma, float[] mu, float[] weight, float[] erev) {
    }

    /** A copy of the present synapses (for code generation: the same numbers the kernels read). */
    public Present present() {
        return new Present(start.clone(), java.util.Arrays.copyOf(pre, count), java.util.Arrays.copyOf(sigma, count),
                java.util.Arrays.copyOf(mu, count), java.util.Arrays.copyOf(weight, count),
                java.util.Arrays.copyOf(erev, count));
    }
}
