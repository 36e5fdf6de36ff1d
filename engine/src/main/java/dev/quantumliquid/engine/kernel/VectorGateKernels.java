package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float64 circuit kernels. A gate on a bit whose stride is at least the lane count
 * pairs two contiguous runs, so whole vectors are loaded from i0 and i0 + stride; narrower strides
 * (the lowest one or two wires) interleave pairs within a vector and take the scalar loop.
 */
final class VectorGateKernels implements GateKernels {
    static final VectorSpecies<Double> S = VectorWidth.DOUBLES;

    @Override
    public void apply(double[] re, double[] im, int len, int stride, double[] u) {
        int lanes = S.length();
        if (stride < lanes) {
            ScalarGateKernels.applyRange(re, im, len, stride, u);
            return;
        }
        DoubleVector u00r = DoubleVector.broadcast(S, u[0]);
        DoubleVector u00i = DoubleVector.broadcast(S, u[1]);
        DoubleVector n00i = DoubleVector.broadcast(S, -u[1]);
        DoubleVector u01r = DoubleVector.broadcast(S, u[2]);
        DoubleVector u01i = DoubleVector.broadcast(S, u[3]);
        DoubleVector u10r = DoubleVector.broadcast(S, u[4]);
        DoubleVector u10i = DoubleVector.broadcast(S, u[5]);
        DoubleVector n10i = DoubleVector.broadcast(S, -u[5]);
        DoubleVector u11r = DoubleVector.broadcast(S, u[6]);
        DoubleVector u11i = DoubleVector.broadcast(S, u[7]);
        for (int base = 0; base < len; base += 2 * stride) {
            // stride and lanes are powers of two with stride >= lanes, so the run splits into whole vectors
            for (int i0 = base, end = base + stride; i0 < end; i0 += lanes) {
                int i1 = i0 + stride;
                DoubleVector a0r = DoubleVector.fromArray(S, re, i0);
                DoubleVector a0i = DoubleVector.fromArray(S, im, i0);
                DoubleVector a1r = DoubleVector.fromArray(S, re, i1);
                DoubleVector a1i = DoubleVector.fromArray(S, im, i1);
                a0r.fma(u00r, a1r.fma(u01r, a0i.mul(n00i).sub(a1i.mul(u01i)))).intoArray(re, i0);
                a0i.fma(u00r, a0r.fma(u00i, a1i.fma(u01r, a1r.mul(u01i)))).intoArray(im, i0);
                a0r.fma(u10r, a1r.fma(u11r, a0i.mul(n10i).sub(a1i.mul(u11i)))).intoArray(re, i1);
                a0i.fma(u10r, a0r.fma(u10i, a1i.fma(u11r, a1r.mul(u11i)))).intoArray(im, i1);
            }
        }
    }

    @Override
    public double sumAbs(double[] re, double[] im, int off, int len) {
        int bound = S.loopBound(len);
        DoubleVector acc = DoubleVector.zero(S);
        int k = 0;
        for (; k < bound; k += S.length()) {
            DoubleVector r = DoubleVector.fromArray(S, re, off + k);
            DoubleVector i = DoubleVector.fromArray(S, im, off + k);
            acc = acc.add(r.fma(r, i.mul(i)).lanewise(VectorOperators.SQRT));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < len; k++) {
            double r = re[off + k];
            double i = im[off + k];
            s += Math.sqrt(r * r + i * i);
        }
        return s;
    }
}
