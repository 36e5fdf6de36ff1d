package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float32 kernels: fma over full lanes, scalar tails, lanes of the fixed {@link VectorWidth}.
 * tanh and sigmoid are built on {@link KernelMath#expPoly(float[], int, int)}: tanh(z) = 1 - 2/(e^2z + 1),
 * sigmoid(z) = 1/(1 + e^-z), absolute error about 1e-7.
 *
 * <p>A model's outputs are the same bits whether the interpreter, C1 or C2 runs these kernels (the
 * trainer's figures and a served model's answers do not depend on how warm the JVM is): only IEEE-exact
 * operations are used (add, mul, div, fma, min, max, lane moves, integer bit operations). Lanewise EXP
 * and reduceLanes are not: their intrinsics (SVML, a reduction tree) and their Java fallbacks give
 * different last bits. Hence the polynomial e^x of {@link KernelMath} and the lane-by-lane sums.
 *
 * <p>No helper method here takes or returns a vector: C2 does not reliably inline such helpers inside
 * big loops (call-site frequency and node-count limits), and a vector crossing a call that is not
 * inlined gets boxed on the heap. So shared code goes through arrays: a kernel writes the arguments of
 * its exponentials to scratch, {@link KernelMath#expPoly(float[], int, int)} replaces them by their
 * exponentials in place, and the kernel reads them back (the scratch stays in L1).
 *
 * <p>This class holds the elementwise kernels; the products and CfC heads are in {@link VectorDenseKernels},
 * the synapse and voltage kernels in {@link VectorSynapseKernels}.
 */
final class VectorKernels implements Kernels {
    static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    @Override
    public void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        VectorDenseKernels.matVec(w, bias, x, xOff, rows, cols, y, yOff);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return VectorDenseKernels.dot(a, aOff, b, bOff, n);
    }

    @Override
    public void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff) {
        VectorDenseKernels.matVec(m, x, xOff, y, yOff);
    }

    @Override
    public void matVecTanh(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, float inner, float outer) {
        VectorDenseKernels.matVecTanh(m, x, xOff, y, yOff, inner, outer);
    }

    @Override
    public void cfcHeads(PackedHeads m, float[] z, int zOff, float dt, boolean noGate, float[] scratch, float[] h,
            int hOff) {
        VectorDenseKernels.cfcHeads(m, z, zOff, dt, noGate, scratch, h, hOff);
    }

    @Override
    public void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff) {
        VectorDenseKernels.matVec(m, x, xOff, y, yOff);
    }

    @Override
    public void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den) {
        VectorSynapseKernels.synapseCurrents(s, v, scratch, num, den);
    }

    @Override
    public void synapseCurrentsLanes(SynapseList s, float[] v, float[] num, float[] den, int lanes) {
        VectorSynapseKernels.synapseCurrentsLanes(s, v, num, den, lanes);
    }

    @Override
    public void matVecLanes(float[] w, float[] bias, float[] x, int rows, int cols, float[] y, int lanes) {
        VectorSynapseKernels.matVecLanes(w, bias, x, rows, cols, y, lanes);
    }

    @Override
    public void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n) {
        VectorSynapseKernels.ltcUpdate(v, cmt, numBase, denBase, num, den, n);
    }

    @Override
    public void ltcUpdateLanes(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n,
            int lanes) {
        VectorSynapseKernels.ltcUpdateLanes(v, cmt, numBase, denBase, num, den, n, lanes);
    }

    // Elementwise kernels: full vectors, then a scalar tail built on Math.exp (Math.tanh is several times
    // slower; masked vector loads are not intrinsified on AVX2).

    @Override
    public void tanh(float[] a, int off, int n, float inner, float outer) {
        int bound = S.loopBound(n);
        VectorDenseKernels.tanhRows(a, off, bound, inner, outer);
        for (int i = bound; i < n; i++) {
            a[off + i] = outer * KernelMath.tanhByExp(inner * a[off + i]);
        }
    }

    @Override
    public void silu(float[] a, int off, int n, float[] scratch) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).neg().intoArray(scratch, i);
        }
        KernelMath.expPoly(scratch, 0, bound);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).div(FloatVector.fromArray(S, scratch, i).add(1f)).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = a[off + i] * KernelMath.sigmoid(a[off + i]);
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
        KernelMath.expPoly(heads, 0, bound);
        KernelMath.expPoly(heads, n, bound);
        KernelMath.expPoly(heads, 2 * n, bound);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector f1 = one.sub(two.div(FloatVector.fromArray(S, heads, i).add(1f)));
            FloatVector f2 = one.sub(two.div(FloatVector.fromArray(S, heads, n + i).add(1f)));
            FloatVector g = one.div(FloatVector.fromArray(S, heads, 2 * n + i).add(1f));
            (noGate ? g.fma(f2, f1) : f1.sub(g.mul(f1)).add(g.mul(f2))).intoArray(h, hOff + i);
        }
        for (; i < n; i++) {
            float f1 = KernelMath.tanhByExp(heads[i]);
            float f2 = KernelMath.tanhByExp(heads[n + i]);
            float g = KernelMath.sigmoid(heads[2 * n + i] * dt + heads[3 * n + i]);
            h[hOff + i] = noGate ? f1 + g * f2 : f1 * (1f - g) + g * f2;
        }
    }

    @Override
    public void cfcPure(float[] ff1, float[] absTau, float[] a, int n, float dt, float[] h, int hOff) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) { // the exponentials' arguments into h, then e^them
            FloatVector.fromArray(S, absTau, i).add(FloatVector.fromArray(S, ff1, i).abs()).mul(-dt).intoArray(h, hOff + i);
        }
        KernelMath.expPoly(h, hOff, bound);
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
            KernelMath.expPoly(z, q * n, bound);
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
        KernelMath.expPoly(z, 0, bound);
        int k = 0;
        for (; k < bound; k += L) {
            one.sub(two.div(FloatVector.fromArray(S, z, k).add(1f))).mul(FloatVector.fromArray(S, z, 3 * n + k))
                    .intoArray(h, hOff + k);
        }
        for (; k < n; k++) {
            float cn = c[cOff + k] * KernelMath.sigmoid(z[2 * n + k] + 1f)
                    + KernelMath.tanhByExp(z[k]) * KernelMath.sigmoid(z[n + k]);
            c[cOff + k] = cn;
            h[hOff + k] = KernelMath.tanhByExp(cn) * KernelMath.sigmoid(z[3 * n + k]);
        }
    }
}
