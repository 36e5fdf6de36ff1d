package dev.quantumliquid.engine.kernel;

/**
 * The float32 numeric kernels, in two twins: {@link ScalarKernels} (plain loops, the reference) and
 * {@link VectorKernels} (Vector API). Tests hold them to each other; the bench module times both.
 * Matrices are row-major [rows][cols] flattened.
 */
public interface Kernels {
    Kernels SCALAR = new ScalarKernels();
    Kernels VECTOR = new VectorKernels();

    /** y[r] = bias[r] + sum_c w[r*cols + c] * x[xOff + c], for r in [0, rows). */
    void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff);

    /** dot product of a[aOff..aOff+n) and b[bOff..bOff+n). */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** The kernels the engine uses: the vectorised ones unless -Dqlnn.kernels=scalar. */
    static Kernels preferred() {
        return "scalar".equals(System.getProperty("qlnn.kernels")) ? SCALAR : VECTOR;
    }
}
