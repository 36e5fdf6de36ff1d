package dev.quantumliquid.train.wiring;

/**
 * numpy's {@code PCG64} bit generator (PCG XSL-RR 128/64) seeded through {@link SeedSequence}, with
 * numpy's buffered 32-bit draws (the high half of a 64-bit output is kept for the next call).
 */
final class Pcg64 {
    // PCG_DEFAULT_MULTIPLIER_128
    private static final long MULT_HI = 2549297995355413924L;
    private static final long MULT_LO = 4865540595714422341L;

    private long stateHi, stateLo, incHi, incLo;
    private boolean hasUint32;
    private int uinteger;

    /** {@code PCG64(seed)}: four 64-bit words from SeedSequence(seed) are the initial state and stream. */
    Pcg64(SeedSequence seq) {
        long[] v = seq.generateState64(4);
        // pcg_setseq_128_srandom_r(initstate = v0:v1, initseq = v2:v3)
        incHi = (v[2] << 1) | (v[3] >>> 63);
        incLo = (v[3] << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + v[1];
        stateHi = stateHi + v[0] + (Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0);
        stateLo = lo;
        step();
    }

    long stateHi() {
        return stateHi;
    }

    long stateLo() {
        return stateLo;
    }

    long incHi() {
        return incHi;
    }

    long incLo() {
        return incLo;
    }

    /** The next 64-bit output (advance, then XSL-RR of the new state). */
    long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** numpy's {@code pcg64_next32}: the low half of a fresh output, its high half on the next call. */
    long nextUint32() {
        if (hasUint32) {
            hasUint32 = false;
            return uinteger & 0xFFFFFFFFL;
        }
        long next = nextLong();
        hasUint32 = true;
        uinteger = (int) (next >>> 32);
        return next & 0xFFFFFFFFL;
    }

    /** state = state * MULT + inc (mod 2^128). */
    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = Math.unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long lo2 = lo + incLo;
        hi += incHi + (Long.compareUnsigned(lo2, lo) < 0 ? 1 : 0);
        stateHi = hi;
        stateLo = lo2;
    }
}
