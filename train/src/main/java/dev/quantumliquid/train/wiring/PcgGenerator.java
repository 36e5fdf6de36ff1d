package dev.quantumliquid.train.wiring;

/**
 * The parts of numpy's {@code np.random.default_rng(seed)} (a Generator over PCG64) that ncps's
 * FullyConnected and Random wirings call: {@code integers} (Lemire's bounded draws on 32-bit
 * outputs), {@code choice(a)} and {@code choice(n, size, replace=False)} (Floyd's algorithm with a
 * final shuffle, or a tail shuffle for large populations), consuming the stream exactly as numpy does.
 */
final class PcgGenerator {
    private final Pcg64 bits;

    PcgGenerator(long seed) {
        this.bits = new Pcg64(new SeedSequence(seed));
    }

    /** {@code integers(low, high)} (int64, endpoint=False) for a range below 2^32: one value in [low, high). */
    long integers(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("integers: low >= high (" + low + ", " + high + ")");
        }
        return low + bounded(high - 1 - low);
    }

    /** {@code choice(a)} without size and replacement on: a[integers(0, len(a))]. */
    int choice(int[] a) {
        if (a.length == 0) {
            throw new IllegalArgumentException("choice: a cannot be empty");
        }
        return a[(int) integers(0, a.length)];
    }

    /** The indices {@code choice(popSize, size, replace=False)} draws (shuffle=True), in numpy's order. */
    int[] choiceWithoutReplacement(int popSize, int size) {
        if (size < 0 || size > popSize) {
            throw new IllegalArgumentException("choice: cannot take " + size + " of " + popSize + " without replacement");
        }
        if (popSize > 10000 && size > popSize / 50) {
            int[] idx = new int[popSize];
            for (int i = 0; i < popSize; i++) {
                idx[i] = i;
            }
            shuffleTail(idx, popSize, Math.max(popSize - size, 1));
            int[] out = new int[size];
            System.arraycopy(idx, popSize - size, out, 0, size);
            return out;
        }
        // Floyd's algorithm; the open-addressing set only decides membership, so a plain boolean
        // table is the same draw sequence.
        int[] idx = new int[size];
        boolean[] taken = new boolean[popSize];
        for (int j = popSize - size; j < popSize; j++) {
            int val = (int) bounded(j);
            if (!taken[val]) {
                taken[val] = true;
                idx[j - popSize + size] = val;
            } else {
                taken[j] = true;
                idx[j - popSize + size] = j;
            }
        }
        shuffleTail(idx, size, 1);
        return idx;
    }

    /** numpy's {@code _shuffle_int(n, first, data)}: swaps data[i] with data[bounded(i)] for i = n-1 .. first. */
    private void shuffleTail(int[] data, int n, int first) {
        for (int i = n - 1; i >= first; i--) {
            int j = (int) bounded(i);
            int t = data[j];
            data[j] = data[i];
            data[i] = t;
        }
    }

    /**
     * numpy's {@code random_bounded_uint64(off=0, rng, use_masked=false)} for rng below 2^32: a value
     * in [0, rng] by Lemire's multiply-and-reject on 32-bit draws.
     */
    long bounded(long rng) {
        if (rng < 0 || rng > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("bounded range must be in [0, 2^32), got " + rng);
        }
        if (rng == 0) {
            return 0;
        }
        if (rng == 0xFFFFFFFFL) {
            return bits.nextUint32();
        }
        long rngExcl = rng + 1;
        long m = bits.nextUint32() * rngExcl;
        long leftover = m & 0xFFFFFFFFL;
        if (leftover < rngExcl) {
            long threshold = (0xFFFFFFFFL - rng) % rngExcl;
            while (leftover < threshold) {
                m = bits.nextUint32() * rngExcl;
                leftover = m & 0xFFFFFFFFL;
            }
        }
        return m >>> 32;
    }
}
