package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float32 kernels: fma over full lanes, scalar tails, lanes of the fixed {@link VectorWidth}.
 * tanh and sigmoid are built on {@link #exp}: tanh(z) = 1 - 2/(e^2z + 1), sigmoid(z) = 1/(1 + e^-z),
 * absolute error about 1e-7.
 *
 * <p>A model's outputs are the same bits whether the interpreter, C1 or C2 runs these kernels (the
 * trainer's figures and a served model's answers do not depend on how warm the JVM is): only IEEE-exact
 * operations are used (add, mul, div, fma, min, max, lane moves, integer bit operations). Lanewise EXP
 * and reduceLanes are not: their intrinsics (SVML, a reduction tree) and their Java fallbacks give
 * different last bits. Hence the own {@link #exp} and the lane-by-lane sums.
 *
 * <p>No helper method here takes or returns a vector: C2 does not reliably inline such helpers inside
 * big loops (call-site frequency and node-count limits), and a vector crossing a call that is not
 * inlined gets boxed on the heap. So shared code goes through arrays: a kernel writes the arguments of
 * its exponentials to scratch, {@link #exp} replaces them by their exponentials in place, and the kernel
 * reads them back (the scratch stays in L1).
 */
final class VectorKernels implements Kernels {
    static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    /** Clamp of {@link #exp}'s argument: 2^n stays a normal float. */
    private static final float EXP_LO = -87f, EXP_HI = 88f;
    private static final float LOG2E = 1.44269504088896341f, EXP_MAGIC = 12582912f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float EXP_P0 = 1.9875691500e-4f, EXP_P1 = 1.3981999507e-3f, EXP_P2 = 8.3334519073e-3f,
            EXP_P3 = 4.1665795894e-2f, EXP_P4 = 1.6666665459e-1f, EXP_P5 = 5.0000001201e-1f;

    /**
     * a[off + i] = e^a[off + i] for i < n, from IEEE-exact operations only (so the same bits whoever runs
     * it; it is also faster than lanewise EXP, a call to an out-of-line stub per vector): Cephes expf, z = n ln2 + r with n
     * rounded to nearest by the 1.5*2^23 trick (whose low bits then hold n for the exponent), a degree-7
     * polynomial in r, about 2 ulp. z is clamped to [EXP_LO, EXP_HI] first so 2^n stays a normal float;
     * tanh and sigmoid built on it then differ from the exact ones by under 1e-37 there.
     */
    static void exp(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector z = FloatVector.fromArray(S, a, off + i).max(EXP_LO).min(EXP_HI);
            FloatVector t = z.fma(LOG2E, EXP_MAGIC);
            FloatVector q = t.sub(EXP_MAGIC);
            FloatVector r = q.fma(FloatVector.broadcast(S, -LN2_HI), z).sub(q.mul(LN2_LO));
            FloatVector p = r.fma(EXP_P0, EXP_P1).fma(r, FloatVector.broadcast(S, EXP_P2))
                    .fma(r, FloatVector.broadcast(S, EXP_P3)).fma(r, FloatVector.broadcast(S, EXP_P4))
                    .fma(r, FloatVector.broadcast(S, EXP_P5)).fma(r.mul(r), r).add(1f);
            p.reinterpretAsInts().add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats()
                    .intoArray(a, off + i);
        }
        for (; i < n; i++) { // the same operations on one float
            float z = Math.min(Math.max(a[off + i], EXP_LO), EXP_HI);
            float t = Math.fma(z, LOG2E, EXP_MAGIC);
            float q = t - EXP_MAGIC;
            float r = Math.fma(q, -LN2_HI, z) - q * LN2_LO;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, EXP_P0, EXP_P1), r, EXP_P2), r, EXP_P3), r, EXP_P4),
                    r, EXP_P5), r * r, r) + 1f;
            a[off + i] = Float.intBitsToFloat(Float.floatToRawIntBits(p) + (Float.floatToRawIntBits(t) << 23));
        }
    }

    @Override
    public void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            y[yOff + r] = dot(w, r * cols, x, xOff, cols) + bias[r];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        // the lanes in lane order (reduceLanes' order is the CPU's), by constant index (a variable one is not
        // intrinsified: the vector would be boxed); L is 8 (VectorWidth)
        float s = 0f + acc.lane(0) + acc.lane(1) + acc.lane(2) + acc.lane(3) + acc.lane(4) + acc.lane(5) + acc.lane(6)
                + acc.lane(7);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff) {
        packed(m, x, xOff, y, yOff, false, 1f, 1f);
    }

    @Override
    public void matVecTanh(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, float inner, float outer) {
        packed(m, x, xOff, y, yOff, true, inner, outer);
    }

    private static void packed(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, boolean tanh, float inner,
            float outer) {
        int cols = m.cols;
        float[] d = m.data;
        int p = 0;
        // A wide tile of eight blocks shares each broadcast x[c] and keeps eight independent fma chains in
        // flight, enough to hide the fma latency; the weights are read once, in order, which is what bounds
        // this kernel (they live in L2). The activation runs over the tile's rows afterwards: eight live
        // accumulators would be spilled around the EXP calls anyway.
        for (int t = 0; t < m.wide; t++) {
            int b = t * PackedMatrix.WIDE * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, m.bias, b + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, m.bias, b + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, m.bias, b + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, m.bias, b + 7 * L);
            for (int c = 0; c < cols; c++, p += 8 * L) {
                FloatVector xc = FloatVector.broadcast(S, x[xOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
                a4 = FloatVector.fromArray(S, d, p + 4 * L).fma(xc, a4);
                a5 = FloatVector.fromArray(S, d, p + 5 * L).fma(xc, a5);
                a6 = FloatVector.fromArray(S, d, p + 6 * L).fma(xc, a6);
                a7 = FloatVector.fromArray(S, d, p + 7 * L).fma(xc, a7);
            }
            a0.intoArray(y, yOff + b);
            a1.intoArray(y, yOff + b + L);
            a2.intoArray(y, yOff + b + 2 * L);
            a3.intoArray(y, yOff + b + 3 * L);
            a4.intoArray(y, yOff + b + 4 * L);
            a5.intoArray(y, yOff + b + 5 * L);
            a6.intoArray(y, yOff + b + 6 * L);
            a7.intoArray(y, yOff + b + 7 * L);
            if (tanh) {
                tanhRows(y, yOff + b, PackedMatrix.WIDE * L, inner, outer);
            }
        }
        int first = m.wide * PackedMatrix.WIDE; // first block after the wide tiles
        int t = 0;
        // A tile of four blocks: four fma chains.
        for (; t < m.tiles; t++) {
            int b = (first + t * PackedMatrix.TILE) * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            for (int c = 0; c < cols; c++, p += 4 * L) {
                FloatVector xc = FloatVector.broadcast(S, x[xOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
            }
            a0.intoArray(y, yOff + b);
            a1.intoArray(y, yOff + b + L);
            a2.intoArray(y, yOff + b + 2 * L);
            a3.intoArray(y, yOff + b + 3 * L);
            if (tanh) {
                tanhRows(y, yOff + b, PackedMatrix.TILE * L, inner, outer);
            }
        }
        // Remaining blocks one at a time, four accumulators over interleaved columns.
        int cols4 = cols & ~3;
        for (int b = first + t * PackedMatrix.TILE; b < m.blocks; b++) {
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b * L);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int c = 0;
            for (; c < cols4; c += 4, p += 4 * L) {
                a0 = FloatVector.fromArray(S, d, p).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(FloatVector.broadcast(S, x[xOff + c + 1]), a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(FloatVector.broadcast(S, x[xOff + c + 2]), a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(FloatVector.broadcast(S, x[xOff + c + 3]), a3);
            }
            for (; c < cols; c++, p += L) {
                a0 = FloatVector.fromArray(S, d, p).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(y, yOff + b * L);
            if (tanh) {
                tanhRows(y, yOff + b * L, L, inner, outer);
            }
        }
    }

    /** y = outer * tanh(inner * y) over n floats, n a multiple of L. */
    private static void tanhRows(float[] y, int off, int n, float inner, float outer) {
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, y, off + i).mul(2f * inner).intoArray(y, off + i);
        }
        exp(y, off, n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int i = 0; i < n; i += L) {
            one.sub(two.div(FloatVector.fromArray(S, y, off + i).add(1f))).mul(outer).intoArray(y, off + i);
        }
    }

    @Override
    public void cfcHeads(PackedHeads m, float[] z, int zOff, float dt, boolean noGate, float[] scratch, float[] h,
            int hOff) {
        if (m.heads == 3) {
            cfcHeadsUnitSpan(m, z, zOff, noGate, scratch, h, hOff);
            return;
        }
        int cols = m.cols;
        float[] d = m.data;
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector dtv = FloatVector.broadcast(S, dt);
        int gs = m.gateScratch();
        int p = 0;
        int last = m.restInTile ? m.tiles - 1 : m.tiles;
        // A tile of two blocks of L units: eight accumulators, ff1, ff2, time_a and time_b of each block's
        // units, so eight fma chains are in flight and the gates run on the sums in registers.
        for (int t = 0; t < last; t++) {
            int b = t * 2 * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, m.bias, b + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, m.bias, b + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, m.bias, b + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, m.bias, b + 7 * L);
            for (int c = 0; c < cols; c++, p += 8 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
                a4 = FloatVector.fromArray(S, d, p + 4 * L).fma(xc, a4);
                a5 = FloatVector.fromArray(S, d, p + 5 * L).fma(xc, a5);
                a6 = FloatVector.fromArray(S, d, p + 6 * L).fma(xc, a6);
                a7 = FloatVector.fromArray(S, d, p + 7 * L).fma(xc, a7);
            }
            int o = hOff + t * 2 * L;
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.fma(dtv, a3).neg().intoArray(scratch, gs + 2 * L);
            a4.add(a4).intoArray(scratch, gs + 3 * L);
            a5.add(a5).intoArray(scratch, gs + 4 * L);
            a6.fma(dtv, a7).neg().intoArray(scratch, gs + 5 * L);
            gates(scratch, gs, 2, noGate, h, o);
        }
        if (m.restInTile) {
            // The last tile, with the units past the full blocks as a ninth accumulator.
            int b = last * 2 * 4 * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, m.bias, b + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, m.bias, b + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, m.bias, b + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, m.bias, b + 7 * L);
            FloatVector a8 = FloatVector.fromArray(S, m.bias, m.blocks * 4 * L);
            for (int c = 0; c < cols; c++, p += 9 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
                a4 = FloatVector.fromArray(S, d, p + 4 * L).fma(xc, a4);
                a5 = FloatVector.fromArray(S, d, p + 5 * L).fma(xc, a5);
                a6 = FloatVector.fromArray(S, d, p + 6 * L).fma(xc, a6);
                a7 = FloatVector.fromArray(S, d, p + 7 * L).fma(xc, a7);
                a8 = FloatVector.fromArray(S, d, p + 8 * L).fma(xc, a8);
            }
            a8.intoArray(scratch, 0);
            int o = hOff + last * 2 * L;
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.fma(dtv, a3).neg().intoArray(scratch, gs + 2 * L);
            a4.add(a4).intoArray(scratch, gs + 3 * L);
            a5.add(a5).intoArray(scratch, gs + 4 * L);
            a6.fma(dtv, a7).neg().intoArray(scratch, gs + 5 * L);
            gates(scratch, gs, 2, noGate, h, o);
            restGates(m, scratch, false, dt, noGate, h, hOff + m.blocks * L);
        }
        // The blocks past the last tile, one at a time: four accumulators.
        for (int u = m.tiles * m.tileBlocks; u < m.blocks; u++) {
            int b = u * m.heads * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            for (int c = 0; c < cols; c++, p += 4 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
            }
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.fma(dtv, a3).neg().intoArray(scratch, gs + 2 * L);
            gates(scratch, gs, 1, noGate, h, hOff + u * L);
        }
        if (m.tail != null) {
            // Fewer than L units remain: their heads land in scratch as [ff1 | ff2 | ta | tb] (rest each); one
            // vector gate over lanes read at those offsets (lanes past rest are junk), then a copy.
            int r = m.rest;
            int out = m.tail.paddedRows() + L;
            packed(m.tail, z, zOff, scratch, 0, false, 1f, 1f);
            FloatVector a0 = FloatVector.fromArray(S, scratch, 0);
            FloatVector a1 = FloatVector.fromArray(S, scratch, r);
            FloatVector a2 = FloatVector.fromArray(S, scratch, 2 * r);
            FloatVector a3 = FloatVector.fromArray(S, scratch, 3 * r);
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.fma(dtv, a3).neg().intoArray(scratch, gs + 2 * L);
            gates(scratch, gs, 1, noGate, scratch, out);
            System.arraycopy(scratch, out, h, hOff + m.blocks * L, r);
        }
    }

    /** {@link #cfcHeads} for three heads: the gate's pre-activation is the third one (time span 1 folded in). */
    private static void cfcHeadsUnitSpan(PackedHeads m, float[] z, int zOff, boolean noGate, float[] scratch,
            float[] h, int hOff) {
        int cols = m.cols;
        float[] d = m.data;
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        int gs = m.gateScratch();
        int p = 0;
        int last = m.restInTile ? m.tiles - 1 : m.tiles;
        // A tile of three blocks: nine accumulators (ff1, ff2 and g of each block's units).
        for (int t = 0; t < last; t++) {
            int b = t * 3 * 3 * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, m.bias, b + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, m.bias, b + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, m.bias, b + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, m.bias, b + 7 * L);
            FloatVector a8 = FloatVector.fromArray(S, m.bias, b + 8 * L);
            for (int c = 0; c < cols; c++, p += 9 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
                a4 = FloatVector.fromArray(S, d, p + 4 * L).fma(xc, a4);
                a5 = FloatVector.fromArray(S, d, p + 5 * L).fma(xc, a5);
                a6 = FloatVector.fromArray(S, d, p + 6 * L).fma(xc, a6);
                a7 = FloatVector.fromArray(S, d, p + 7 * L).fma(xc, a7);
                a8 = FloatVector.fromArray(S, d, p + 8 * L).fma(xc, a8);
            }
            int o = hOff + t * 3 * L;
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.neg().intoArray(scratch, gs + 2 * L);
            a3.add(a3).intoArray(scratch, gs + 3 * L);
            a4.add(a4).intoArray(scratch, gs + 4 * L);
            a5.neg().intoArray(scratch, gs + 5 * L);
            a6.add(a6).intoArray(scratch, gs + 6 * L);
            a7.add(a7).intoArray(scratch, gs + 7 * L);
            a8.neg().intoArray(scratch, gs + 8 * L);
            gates(scratch, gs, 3, noGate, h, o);
        }
        if (m.restInTile) {
            // The last tile, with the units past the full blocks as a tenth accumulator.
            int b = last * 3 * 3 * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, m.bias, b + 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, m.bias, b + 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, m.bias, b + 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, m.bias, b + 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, m.bias, b + 7 * L);
            FloatVector a8 = FloatVector.fromArray(S, m.bias, b + 8 * L);
            FloatVector a9 = FloatVector.fromArray(S, m.bias, m.blocks * 3 * L);
            for (int c = 0; c < cols; c++, p += 10 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(xc, a3);
                a4 = FloatVector.fromArray(S, d, p + 4 * L).fma(xc, a4);
                a5 = FloatVector.fromArray(S, d, p + 5 * L).fma(xc, a5);
                a6 = FloatVector.fromArray(S, d, p + 6 * L).fma(xc, a6);
                a7 = FloatVector.fromArray(S, d, p + 7 * L).fma(xc, a7);
                a8 = FloatVector.fromArray(S, d, p + 8 * L).fma(xc, a8);
                a9 = FloatVector.fromArray(S, d, p + 9 * L).fma(xc, a9);
            }
            a9.intoArray(scratch, 0);
            int o = hOff + last * 3 * L;
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.neg().intoArray(scratch, gs + 2 * L);
            a3.add(a3).intoArray(scratch, gs + 3 * L);
            a4.add(a4).intoArray(scratch, gs + 4 * L);
            a5.neg().intoArray(scratch, gs + 5 * L);
            a6.add(a6).intoArray(scratch, gs + 6 * L);
            a7.add(a7).intoArray(scratch, gs + 7 * L);
            a8.neg().intoArray(scratch, gs + 8 * L);
            gates(scratch, gs, 3, noGate, h, o);
            restGates(m, scratch, true, 1f, noGate, h, hOff + m.blocks * L);
        }
        for (int u = m.tiles * m.tileBlocks; u < m.blocks; u++) {
            int b = u * 3 * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b);
            FloatVector a1 = FloatVector.fromArray(S, m.bias, b + L);
            FloatVector a2 = FloatVector.fromArray(S, m.bias, b + 2 * L);
            for (int c = 0; c < cols; c++, p += 3 * L) {
                FloatVector xc = FloatVector.broadcast(S, z[zOff + c]);
                a0 = FloatVector.fromArray(S, d, p).fma(xc, a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(xc, a2);
            }
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.neg().intoArray(scratch, gs + 2 * L);
            gates(scratch, gs, 1, noGate, h, hOff + u * L);
        }
        if (m.tail != null) {
            int r = m.rest;
            int out = m.tail.paddedRows() + L;
            packed(m.tail, z, zOff, scratch, 0, false, 1f, 1f);
            FloatVector a0 = FloatVector.fromArray(S, scratch, 0);
            FloatVector a1 = FloatVector.fromArray(S, scratch, r);
            FloatVector a2 = FloatVector.fromArray(S, scratch, 2 * r);
            a0.add(a0).intoArray(scratch, gs);
            a1.add(a1).intoArray(scratch, gs + L);
            a2.neg().intoArray(scratch, gs + 2 * L);
            gates(scratch, gs, 1, noGate, scratch, out);
            System.arraycopy(scratch, out, h, hOff + m.blocks * L, r);
        }
    }

    /**
     * The CfC gates of {@code blocks} blocks of L units from s[off..]: per block [2 ff1 | 2 ff2 | -(gate
     * pre-activation)], L floats each, replaced by their exponentials; h[hOff + b L + j] = the unit's
     * output: tanh x = 1 - 2/(e^2x + 1), sigmoid x = 1/(1 + e^-x).
     */
    private static void gates(float[] s, int off, int blocks, boolean noGate, float[] h, int hOff) {
        exp(s, off, 3 * L * blocks);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int b = 0; b < blocks; b++) {
            int e = off + 3 * L * b;
            FloatVector f1 = one.sub(two.div(FloatVector.fromArray(S, s, e).add(1f)));
            FloatVector f2 = one.sub(two.div(FloatVector.fromArray(S, s, e + L).add(1f)));
            FloatVector g = one.div(FloatVector.fromArray(S, s, e + 2 * L).add(1f));
            (noGate ? g.fma(f2, f1) : f1.sub(g.mul(f1)).add(g.mul(f2))).intoArray(h, hOff + b * L);
        }
    }

    /**
     * The gates of the r units past the full blocks, from their pre-activations in pre[0, L):
     * [ff1 | ff2 | g] (unit span) or [ff1 | ff2 | ta | tb], r lanes each. One exponential for all of them:
     * lanewise s = 1/(1 + e^(k x)) with k = -2 on the ff lanes (tanh x = 2 s - 1) and -1 on the gate
     * lanes (sigmoid x = s), then a few scalar floats.
     */
    private static void restGates(PackedHeads m, float[] pre, boolean unitSpan, float dt, boolean noGate, float[] h,
            int hOff) {
        int r = m.rest;
        if (!unitSpan) {
            for (int j = 0; j < r; j++) {
                pre[2 * r + j] = pre[2 * r + j] * dt + pre[3 * r + j];
            }
        }
        FloatVector.fromArray(S, pre, 0).mul(FloatVector.fromArray(S, m.restK, 0)).intoArray(pre, 0);
        exp(pre, 0, L);
        FloatVector sg = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, pre, 0).add(1f));
        sg.fma(FloatVector.fromArray(S, m.restM, 0), FloatVector.fromArray(S, m.restA, 0)).intoArray(pre, 0);
        for (int j = 0; j < r; j++) {
            float f1 = pre[j];
            float f2 = pre[r + j];
            float g = pre[2 * r + j];
            h[hOff + j] = noGate ? f1 + g * f2 : f1 - g * f1 + g * f2;
        }
    }

    @Override
    public void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff) {
        // Rows of a wired layer are short (a few to a few dozen entries): gather full lanes, scalar tail.
        for (int r = 0; r < m.rows; r++) {
            int p = m.start[r];
            int end = m.start[r + 1];
            float s = m.bias[r];
            if (end - p >= L) {
                FloatVector acc = FloatVector.zero(S);
                for (; p + L <= end; p += L) {
                    acc = FloatVector.fromArray(S, m.val, p).fma(FloatVector.fromArray(S, x, xOff, m.col, p), acc);
                }
                // lane order, constant indices (see dot)
                s += 0f + acc.lane(0) + acc.lane(1) + acc.lane(2) + acc.lane(3) + acc.lane(4) + acc.lane(5) + acc.lane(6)
                        + acc.lane(7);
            }
            for (; p < end; p++) {
                s += m.val[p] * x[xOff + m.col[p]];
            }
            y[yOff + r] = s;
        }
    }

    @Override
    public void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den) {
        int off = s.padded;
        // sigmoid(sigma (v - mu)) = 1 / (1 + e^(sigma (mu - v))): the arguments, their exponentials, the currents
        for (int k = 0; k < s.padded; k += L) {
            FloatVector vp = FloatVector.fromArray(S, v, 0, s.pre, k);
            FloatVector.fromArray(S, s.mu, k).sub(vp).mul(FloatVector.fromArray(S, s.sigma, k)).intoArray(scratch, k);
        }
        exp(scratch, 0, s.padded);
        for (int k = 0; k < s.padded; k += L) {
            FloatVector a = FloatVector.fromArray(S, s.weight, k).div(FloatVector.fromArray(S, scratch, k).add(1f));
            a.intoArray(scratch, k);
            a.mul(FloatVector.fromArray(S, s.erev, k)).intoArray(scratch, off + k);
        }
        ScalarKernels.segmentSums(s, scratch, num, den);
    }

    @Override
    public void synapseCurrentsLanes(SynapseList s, float[] v, float[] num, float[] den, int lanes) {
        checkLanes(lanes);
        // Every synapse is one vector op over L samples with its constants broadcast: no gathers, and the
        // sums per post neuron stay in registers because the list is grouped by post neuron.
        for (int b = 0; b < lanes; b += L) {
            for (int j = 0; j < s.posts; j++) {
                FloatVector n = FloatVector.zero(S);
                FloatVector d = FloatVector.zero(S);
                for (int k = s.start[j], end = s.start[j + 1]; k < end; k++) {
                    FloatVector x = FloatVector.fromArray(S, v, s.pre[k] * lanes + b);
                    // sigmoid(sigma (x - mu)) = 1 / (1 + e^(sigma (mu - x)))
                    FloatVector z = FloatVector.broadcast(S, s.mu[k]).sub(x).mul(s.sigma[k])
                            .max(EXP_LO).min(EXP_HI);
                    // e^z as exp() computes it (the same operations, so a sample gets the same bits in
                    // either synapse kernel), written out: the sums stay in registers
                    FloatVector t = z.fma(LOG2E, EXP_MAGIC);
                    FloatVector q = t.sub(EXP_MAGIC);
                    FloatVector r = q.fma(FloatVector.broadcast(S, -LN2_HI), z).sub(q.mul(LN2_LO));
                    FloatVector p = r.fma(EXP_P0, EXP_P1).fma(r, FloatVector.broadcast(S, EXP_P2))
                            .fma(r, FloatVector.broadcast(S, EXP_P3)).fma(r, FloatVector.broadcast(S, EXP_P4))
                            .fma(r, FloatVector.broadcast(S, EXP_P5)).fma(r.mul(r), r).add(1f);
                    FloatVector e = p.reinterpretAsInts()
                            .add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                            .reinterpretAsFloats().add(1f);
                    FloatVector a = FloatVector.broadcast(S, s.weight[k]).div(e);
                    d = d.add(a);
                    // not fma: synapseCurrents rounds a*erev before summing, and a lane must match it
                    n = n.add(a.mul(s.erev[k]));
                }
                n.intoArray(num, j * lanes + b);
                d.intoArray(den, j * lanes + b);
            }
        }
    }

    @Override
    public void matVecLanes(float[] w, float[] bias, float[] x, int rows, int cols, float[] y, int lanes) {
        checkLanes(lanes);
        for (int b = 0; b < lanes; b += L) {
            for (int r = 0; r < rows; r++) {
                FloatVector acc = FloatVector.broadcast(S, bias[r]);
                int row = r * cols;
                for (int c = 0; c < cols; c++) {
                    acc = FloatVector.fromArray(S, x, c * lanes + b).fma(FloatVector.broadcast(S, w[row + c]), acc);
                }
                acc.intoArray(y, r * lanes + b);
            }
        }
    }

    private static void checkLanes(int lanes) {
        if (lanes <= 0 || lanes % L != 0) {
            throw new IllegalArgumentException("lanes " + lanes + " is not a positive multiple of " + L);
        }
    }

    @Override
    public void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector cm = FloatVector.fromArray(S, cmt, j);
            FloatVector nu = cm.fma(FloatVector.fromArray(S, v, j), FloatVector.fromArray(S, numBase, j))
                    .add(FloatVector.fromArray(S, num, j));
            FloatVector de = FloatVector.fromArray(S, denBase, j).add(FloatVector.fromArray(S, den, j));
            nu.div(de).intoArray(v, j);
        }
        for (; j < n; j++) {
            v[j] = (cmt[j] * v[j] + numBase[j] + num[j]) / (denBase[j] + den[j]);
        }
    }

    @Override
    public void ltcUpdateLanes(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n,
            int lanes) {
        checkLanes(lanes);
        // ltcUpdate fuses cmt*v + numBase for the neurons in its full vectors and rounds twice in its
        // scalar tail; the same split here keeps every lane equal to its sample streamed alone.
        int fused = S.loopBound(n) * lanes;
        int i = 0;
        for (; i < fused; i += L) {
            FloatVector cm = FloatVector.fromArray(S, cmt, i);
            FloatVector nu = cm.fma(FloatVector.fromArray(S, v, i), FloatVector.fromArray(S, numBase, i))
                    .add(FloatVector.fromArray(S, num, i));
            FloatVector de = FloatVector.fromArray(S, denBase, i).add(FloatVector.fromArray(S, den, i));
            nu.div(de).intoArray(v, i);
        }
        for (int end = n * lanes; i < end; i += L) {
            FloatVector nu = FloatVector.fromArray(S, cmt, i).mul(FloatVector.fromArray(S, v, i))
                    .add(FloatVector.fromArray(S, numBase, i)).add(FloatVector.fromArray(S, num, i));
            FloatVector de = FloatVector.fromArray(S, denBase, i).add(FloatVector.fromArray(S, den, i));
            nu.div(de).intoArray(v, i);
        }
    }

    // Elementwise kernels: full vectors, then a scalar tail built on Math.exp (Math.tanh is several times
    // slower; masked vector loads are not intrinsified on AVX2).

    @Override
    public void tanh(float[] a, int off, int n, float inner, float outer) {
        int bound = S.loopBound(n);
        tanhRows(a, off, bound, inner, outer);
        for (int i = bound; i < n; i++) {
            a[off + i] = outer * tanh(inner * a[off + i]);
        }
    }

    @Override
    public void silu(float[] a, int off, int n, float[] scratch) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).neg().intoArray(scratch, i);
        }
        exp(scratch, 0, bound);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).div(FloatVector.fromArray(S, scratch, i).add(1f)).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = a[off + i] * sigmoid(a[off + i]);
        }
    }

    @Override
    public void relu(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).max(0f).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = Math.max(a[off + i], 0f);
        }
    }

    @Override
    public void cfcGate(float[] heads, int n, float dt, boolean noGate, float[] h, int hOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        int bound = S.loopBound(n);
        // the arguments of the exponentials over the heads' full vectors, in place, then e^them
        for (int i = 0; i < bound; i += L) {
            FloatVector a0 = FloatVector.fromArray(S, heads, i);
            FloatVector a1 = FloatVector.fromArray(S, heads, n + i);
            a0.add(a0).intoArray(heads, i);
            a1.add(a1).intoArray(heads, n + i);
            FloatVector.fromArray(S, heads, 2 * n + i).fma(FloatVector.broadcast(S, dt), FloatVector.fromArray(S, heads, 3 * n + i))
                    .neg().intoArray(heads, 2 * n + i);
        }
        exp(heads, 0, bound);
        exp(heads, n, bound);
        exp(heads, 2 * n, bound);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector f1 = one.sub(two.div(FloatVector.fromArray(S, heads, i).add(1f)));
            FloatVector f2 = one.sub(two.div(FloatVector.fromArray(S, heads, n + i).add(1f)));
            FloatVector g = one.div(FloatVector.fromArray(S, heads, 2 * n + i).add(1f));
            (noGate ? g.fma(f2, f1) : f1.sub(g.mul(f1)).add(g.mul(f2))).intoArray(h, hOff + i);
        }
        for (; i < n; i++) {
            float f1 = tanh(heads[i]);
            float f2 = tanh(heads[n + i]);
            float g = sigmoid(heads[2 * n + i] * dt + heads[3 * n + i]);
            h[hOff + i] = noGate ? f1 + g * f2 : f1 * (1f - g) + g * f2;
        }
    }

    @Override
    public void cfcPure(float[] ff1, float[] absTau, float[] a, int n, float dt, float[] h, int hOff) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) { // the exponentials' arguments into h, then e^them
            FloatVector.fromArray(S, absTau, i).add(FloatVector.fromArray(S, ff1, i).abs()).mul(-dt).intoArray(h, hOff + i);
        }
        exp(h, hOff, bound);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector f = FloatVector.fromArray(S, ff1, i);
            FloatVector av = FloatVector.fromArray(S, a, i);
            av.sub(av.mul(FloatVector.fromArray(S, h, hOff + i)).mul(f)).intoArray(h, hOff + i);
        }
        for (; i < n; i++) {
            h[hOff + i] = a[i] - a[i] * (float) Math.exp(-dt * (absTau[i] + Math.abs(ff1[i]))) * ff1[i];
        }
    }

    @Override
    public void lstmGates(float[] z, int n, float[] c, int cOff, float[] h, int hOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        int bound = S.loopBound(n);
        // the exponentials' arguments over the full vectors of z, in place, then e^them
        for (int k = 0; k < bound; k += L) {
            FloatVector zi = FloatVector.fromArray(S, z, k);
            zi.add(zi).intoArray(z, k);
            FloatVector.fromArray(S, z, n + k).neg().intoArray(z, n + k);
            FloatVector.fromArray(S, z, 2 * n + k).add(1f).neg().intoArray(z, 2 * n + k);
            FloatVector.fromArray(S, z, 3 * n + k).neg().intoArray(z, 3 * n + k);
        }
        for (int q = 0; q < 4; q++) {
            exp(z, q * n, bound);
        }
        for (int k = 0; k < bound; k += L) {
            FloatVector in = one.sub(two.div(FloatVector.fromArray(S, z, k).add(1f)));
            FloatVector ig = one.div(FloatVector.fromArray(S, z, n + k).add(1f));
            FloatVector fg = one.div(FloatVector.fromArray(S, z, 2 * n + k).add(1f));
            FloatVector cn = FloatVector.fromArray(S, c, cOff + k).mul(fg).add(in.mul(ig));
            cn.intoArray(c, cOff + k);
            cn.add(cn).intoArray(z, k); // tanh(c') below
            one.div(FloatVector.fromArray(S, z, 3 * n + k).add(1f)).intoArray(z, 3 * n + k); // the output gate
        }
        exp(z, 0, bound);
        int k = 0;
        for (; k < bound; k += L) {
            one.sub(two.div(FloatVector.fromArray(S, z, k).add(1f))).mul(FloatVector.fromArray(S, z, 3 * n + k))
                    .intoArray(h, hOff + k);
        }
        for (; k < n; k++) {
            float cn = c[cOff + k] * sigmoid(z[2 * n + k] + 1f) + tanh(z[k]) * sigmoid(z[n + k]);
            c[cOff + k] = cn;
            h[hOff + k] = tanh(cn) * sigmoid(z[3 * n + k]);
        }
    }

    private static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }

    private static float tanh(float z) {
        return 1f - 2f / ((float) Math.exp(2f * z) + 1f);
    }
}
