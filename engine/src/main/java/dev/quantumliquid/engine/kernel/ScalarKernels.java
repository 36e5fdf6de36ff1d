package dev.quantumliquid.engine.kernel;

/** Plain-loop float32 kernels: the reference the vectorised twin is tested against. */
final class ScalarKernels implements Kernels {
    @Override
    public void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                s += w[base + c] * x[xOff + c];
            }
            y[yOff + r] = s + bias[r];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }
}
