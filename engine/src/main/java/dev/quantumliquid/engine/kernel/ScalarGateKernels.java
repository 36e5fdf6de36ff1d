package dev.quantumliquid.engine.kernel;

/** Plain-loop float64 circuit kernels: the reference the vectorised twin is tested against. */
final class ScalarGateKernels implements GateKernels {
    @Override
    public void apply(double[] re, double[] im, int len, int stride, double[] u) {
        applyRange(re, im, len, stride, u);
    }

    /** Shared with the vector twin for strides narrower than its lanes. */
    static void applyRange(double[] re, double[] im, int len, int stride, double[] u) {
        double u00r = u[0], u00i = u[1], u01r = u[2], u01i = u[3];
        double u10r = u[4], u10i = u[5], u11r = u[6], u11i = u[7];
        for (int base = 0; base < len; base += 2 * stride) {
            for (int i0 = base, end = base + stride; i0 < end; i0++) {
                int i1 = i0 + stride;
                double a0r = re[i0], a0i = im[i0], a1r = re[i1], a1i = im[i1];
                re[i0] = u00r * a0r - u00i * a0i + u01r * a1r - u01i * a1i;
                im[i0] = u00r * a0i + u00i * a0r + u01r * a1i + u01i * a1r;
                re[i1] = u10r * a0r - u10i * a0i + u11r * a1r - u11i * a1i;
                im[i1] = u10r * a0i + u10i * a0r + u11r * a1i + u11i * a1r;
            }
        }
    }

    @Override
    public double sumAbs(double[] re, double[] im, int off, int len) {
        double s = 0;
        for (int k = off, end = off + len; k < end; k++) {
            s += Math.sqrt(re[k] * re[k] + im[k] * im[k]);
        }
        return s;
    }
}
