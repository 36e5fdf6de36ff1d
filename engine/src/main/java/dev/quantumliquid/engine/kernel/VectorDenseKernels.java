package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The products of {@link VectorKernels}: dot, row-major, packed ({@link PackedMatrix}, optionally with tanh
 * fused) and sparse matrix-vector products, and the CfC heads ({@link PackedHeads}) with their gates
 * computed on the accumulators. Conventions as in {@link VectorKernels}: IEEE-exact operations only, sums
 * in lane order, no helper taking or returning a vector.
 */
final class VectorDenseKernels {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    private VectorDenseKernels() {
    }

    static void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            y[yOff + r] = dot(w, r * cols, x, xOff, cols) + bias[r];
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
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

    static void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff) {
        packed(m, x, xOff, y, yOff, false, 1f, 1f);
    }

    static void matVecTanh(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, float inner, float outer) {
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
    static void tanhRows(float[] y, int off, int n, float inner, float outer) {
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, y, off + i).mul(2f * inner).intoArray(y, off + i);
        }
        KernelMath.expPoly(y, off, n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int i = 0; i < n; i += L) {
            one.sub(two.div(FloatVector.fromArray(S, y, off + i).add(1f))).mul(outer).intoArray(y, off + i);
        }
    }

    static void cfcHeads(PackedHeads m, float[] z, int zOff, float dt, boolean noGate, float[] scratch, float[] h,
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
        KernelMath.expPoly(s, off, 3 * L * blocks);
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
        KernelMath.expPoly(pre, 0, L);
        FloatVector sg = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, pre, 0).add(1f));
        sg.fma(FloatVector.fromArray(S, m.restM, 0), FloatVector.fromArray(S, m.restA, 0)).intoArray(pre, 0);
        for (int j = 0; j < r; j++) {
            float f1 = pre[j];
            float f2 = pre[r + j];
            float g = pre[2 * r + j];
            h[hOff + j] = noGate ? f1 + g * f2 : f1 - g * f1 + g * f2;
        }
    }

    static void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff) {
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
}
