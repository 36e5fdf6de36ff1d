package dev.quantumliquid.engine.liquid;

/** The scalar functions of ncps in float64, as torch computes them. */
final class LiquidMath {
    private LiquidMath() {
    }

    /** torch.nn.Softplus() (beta 1, threshold 20): z above 20 passes through, else log1p(exp(z)). */
    static double softplus(double z) {
        return z > 20.0 ? z : Math.log1p(Math.exp(z));
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
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
