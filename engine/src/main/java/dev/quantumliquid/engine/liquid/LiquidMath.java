package dev.quantumliquid.engine.liquid;

/** Float64 helpers of the ncps layers' reference path (exp, sigmoid and softplus are in {@code KernelMath}). */
final class LiquidMath {
    private LiquidMath() {
    }

    /** Copies and narrows to float. */
    static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Row-major product w . x + b for a [rows][cols] matrix (reference path). */
    static void matVec(double[] w, double[] b, double[] x, int xOff, int rows, int cols, double[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            double s = 0.0;
            for (int c = 0; c < cols; c++) {
                s += w[r * cols + c] * x[xOff + c];
            }
            y[yOff + r] = s + b[r];
        }
    }
}
