package dev.quantumliquid.engine.kernel;

/**
 * The float64 circuit kernels, in two twins: {@link ScalarGateKernels} (plain loops, the reference)
 * and {@link VectorGateKernels} (Vector API). A state of len complex amplitudes is held as separate
 * re[len] and im[len] arrays; a single-qubit gate acts on the index bit whose value is {@code stride}
 * (a power of two below len), pairing amplitude i (bit clear) with i + stride (bit set).
 */
public interface GateKernels {
    GateKernels SCALAR = new ScalarGateKernels();
    GateKernels VECTOR = new VectorGateKernels();

    /**
     * Applies the 2x2 complex matrix u, flattened row-major as {u00.re, u00.im, u01.re, u01.im, u10.re,
     * u10.im, u11.re, u11.im}, in place to every pair
     * (i, i + stride) with bit stride of i clear, i in [0, len).
     */
    void apply(double[] re, double[] im, int len, int stride, double[] u);

    /** sum of |a_k| = sqrt(re_k^2 + im_k^2) for k in [off, off + len). */
    double sumAbs(double[] re, double[] im, int off, int len);

    /** The kernels the engine uses: the vectorised ones unless -Dqlnn.kernels=scalar. */
    static GateKernels preferred() {
        return "scalar".equals(System.getProperty("qlnn.kernels")) ? SCALAR : VECTOR;
    }
}
