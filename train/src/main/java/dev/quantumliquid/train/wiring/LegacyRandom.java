package dev.quantumliquid.train.wiring;

/**
 * The parts of numpy's legacy {@code np.random.RandomState(seed)} that ncps's NCP wiring calls:
 * {@code randint} (masked rejection on 32-bit draws), {@code shuffle}/{@code permutation} and
 * {@code choice} with and without replacement, each consuming the MT19937 stream exactly as numpy does.
 */
final class LegacyRandom {
    private final Mt19937 mt;

    LegacyRandom(long seed) {
        this.mt = new Mt19937(seed);
    }

    /**
     * A uniform integer in [0, max]: numpy's {@code random_interval} and, for a range below 2^32,
     * its masked bounded integers ({@code buffered_bounded_masked_uint32}), which are the same draw.
     */
    long interval(long max) {
        if (max < 0 || max > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("interval bound must be in [0, 2^32), got " + max);
        }
        if (max == 0) {
            return 0;
        }
        long mask = mask(max);
        long v;
        do {
            v = mt.nextUint32() & mask;
        } while (v > max);
        return v;
    }

    /** {@code randint(low, high)} for a scalar (default int64 dtype, masked): one value in [low, high). */
    long randint(long low, long high) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: low >= high (" + low + ", " + high + ")");
        }
        return low + interval(high - 1 - low);
    }

    /** {@code shuffle(arr)} of a 1-d array, in place: Fisher-Yates from the end with random_interval. */
    void shuffle(int[] a) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = (int) interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code permutation(n)}: shuffle(arange(n)). */
    int[] permutation(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a);
        return a;
    }

    /** {@code choice(a)} without size: a[randint(0, len(a))]. */
    int choice(int[] a) {
        if (a.length == 0) {
            throw new IllegalArgumentException("choice: a cannot be empty");
        }
        return a[(int) randint(0, a.length)];
    }

    /** {@code choice(a, size, replace=False)}: a[permutation(len(a))[:size]]. */
    int[] choiceWithoutReplacement(int[] a, int size) {
        if (size < 0 || size > a.length) {
            throw new IllegalArgumentException("choice: cannot take " + size + " of " + a.length + " without replacement");
        }
        int[] idx = permutation(a.length);
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }

    /** The smallest all-ones bit mask >= max. */
    static long mask(long max) {
        long m = max;
        m |= m >>> 1;
        m |= m >>> 2;
        m |= m >>> 4;
        m |= m >>> 8;
        m |= m >>> 16;
        m |= m >>> 32;
        return m;
    }
}
