package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The liquid (LTC) kernels of {@link VectorKernels}: synaptic currents of one sample (gathered) or of
 * {@code lanes} samples at once (lane-major, the synapse constants broadcast), the lane-major
 * matrix-vector product and the voltage update. Conventions as in {@link VectorKernels}.
 */
final class VectorSynapseKernels {
    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();

    private VectorSynapseKernels() {
    }

    static void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den) {
        int off = s.padded;
        // sigmoid(sigma (v - mu)) = 1 / (1 + e^(sigma (mu - v))): the arguments, their exponentials, the currents
        for (int k = 0; k < s.padded; k += L) {
            FloatVector vp = FloatVector.fromArray(S, v, 0, s.pre, k);
            FloatVector.fromArray(S, s.mu, k).sub(vp).mul(FloatVector.fromArray(S, s.sigma, k)).intoArray(scratch, k);
        }
        KernelMath.expPoly(scratch, 0, s.padded);
        for (int k = 0; k < s.padded; k += L) {
            FloatVector a = FloatVector.fromArray(S, s.weight, k).div(FloatVector.fromArray(S, scratch, k).add(1f));
            a.intoArray(scratch, k);
            a.mul(FloatVector.fromArray(S, s.erev, k)).intoArray(scratch, off + k);
        }
        ScalarKernels.segmentSums(s, scratch, num, den);
    }

    static void synapseCurrentsLanes(SynapseList s, float[] v, float[] num, float[] den, int lanes) {
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
                            .max(KernelMath.EXPF_LO).min(KernelMath.EXPF_HI);
                    // e^z as KernelMath.expPoly() computes it (the same operations, so a sample gets the same bits in
                    // either synapse kernel), written out: the sums stay in registers
                    FloatVector t = z.fma(KernelMath.LOG2EF, KernelMath.EXPF_MAGIC);
                    FloatVector q = t.sub(KernelMath.EXPF_MAGIC);
                    FloatVector r = q.fma(FloatVector.broadcast(S, -KernelMath.LN2F_HI), z).sub(q.mul(KernelMath.LN2F_LO));
                    FloatVector p = r.fma(KernelMath.EXPF_P0, KernelMath.EXPF_P1).fma(r, FloatVector.broadcast(S, KernelMath.EXPF_P2))
                            .fma(r, FloatVector.broadcast(S, KernelMath.EXPF_P3)).fma(r, FloatVector.broadcast(S, KernelMath.EXPF_P4))
                            .fma(r, FloatVector.broadcast(S, KernelMath.EXPF_P5)).fma(r.mul(r), r).add(1f);
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

    static void matVecLanes(float[] w, float[] bias, float[] x, int rows, int cols, float[] y, int lanes) {
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

    static void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n) {
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

    static void ltcUpdateLanes(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n,
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
}
