package dev.quantumliquid.train.wiring;

import java.math.BigInteger;

/**
 * numpy's {@code SeedSequence(entropy)} for a non-negative integer entropy, no spawn key, pool size 4:
 * the entropy's 32-bit words hashed into the pool, then {@code generate_state} as PCG64 asks for it.
 */
final class SeedSequence {
    private static final int POOL_SIZE = 4;
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;

    private final int[] pool = new int[POOL_SIZE]; // uint32 words

    SeedSequence(BigInteger entropy) {
        if (entropy.signum() < 0) {
            throw new IllegalArgumentException("SeedSequence entropy must be non-negative, got " + entropy);
        }
        int[] words = words(entropy);
        int[] hashConst = {INIT_A};
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashmix(i < words.length ? words[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
                }
            }
        }
        for (int src = POOL_SIZE; src < words.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashmix(words[src], hashConst));
            }
        }
    }

    SeedSequence(long entropy) {
        this(BigInteger.valueOf(entropy));
    }

    /** {@code generate_state(n, np.uint64)}: 2n 32-bit words, little-endian pairs. */
    long[] generateState64(int n) {
        int[] w = new int[2 * n];
        int hashConst = INIT_B;
        for (int i = 0; i < w.length; i++) {
            int v = pool[i % POOL_SIZE];
            v ^= hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            v ^= v >>> XSHIFT;
            w[i] = v;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (w[2 * i] & 0xFFFFFFFFL) | ((long) w[2 * i + 1] << 32);
        }
        return out;
    }

    /** An integer as little-endian 32-bit words ([0] for zero). */
    private static int[] words(BigInteger n) {
        int count = Math.max(1, (n.bitLength() + 31) / 32);
        int[] w = new int[count];
        for (int i = 0; i < count; i++) {
            w[i] = n.shiftRight(32 * i).intValue();
        }
        return w;
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> XSHIFT;
        return value;
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        r ^= r >>> XSHIFT;
        return r;
    }
}
