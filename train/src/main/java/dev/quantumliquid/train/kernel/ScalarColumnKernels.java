package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.kernel.VectorWidth;
import dev.quantumliquid.engine.layer.Activation;
import org.apache.commons.numbers.gamma.Erf;

/**
 * The scalar reference of {@link ColumnKernels}, and an exact one: every value is computed by the same
 * IEEE operations in the same order as {@link VectorColumnKernels} computes it in its lane (fma chains in
 * the same order, the same e^x polynomial {@link KernelMath#expPoly(double)}, lane-by-lane partial sums),
 * so the two give the same bits and training could run on either. Same column padding as the vector twin.
 */
final class ScalarColumnKernels implements ColumnKernels {
    @Override
    public int lanes() {
        return VectorWidth.DOUBLES.length();
    }

    /**
     * Loop order r, i, j: each c[r][j] is the same fma chain over i as a vector lane's, and the j loop
     * has independent iterations (C2 vectorises it).
     */
    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff) {
        for (int r = 0; r < rows; r++) {
            int c0 = cOff + r * cols;
            java.util.Arrays.fill(c, c0, c0 + cols, bias == null ? 0.0 : bias[biasOff + r]);
            for (int i = 0; i < inner; i++) {
                double w = a[aOff + r * lda + i];
                int x0 = xOff + i * cols;
                for (int j = 0; j < cols; j++) {
                    c[c0 + j] = Math.fma(w, x[x0 + j], c[c0 + j]);
                }
            }
        }
    }

    /** Loop order r, t, j, k: each w[r][k] is the same fma chain over (t, j) as a vector lane's. */
    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
            int cols, double[] w, int wOff, int ldw) {
        for (int r = 0; r < rows; r++) {
            int w0 = wOff + r * ldw;
            for (int t = 0; t < steps; t++) {
                int d = dzOff + t * dzStep + r * cols;
                for (int j = 0; j < cols; j++) {
                    double g = dz[d + j];
                    int v = xtOff + t * xtStep + j * ldx;
                    for (int k = 0; k < inner; k++) {
                        w[w0 + k] = Math.fma(g, xt[v + k], w[w0 + k]);
                    }
                }
            }
        }
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        int lanes = lanes();
        for (int r = 0; r < rows; r++) {
            double sum = 0.0;
            for (int l = 0; l < lanes; l++) { // lane l's partial sum, then the lanes in order
                double part = 0.0;
                for (int t = 0; t < steps; t++) {
                    int d = dzOff + t * dzStep + r * cols;
                    for (int j = l; j < cols; j += lanes) {
                        part += dz[d + j];
                    }
                }
                sum += part;
            }
            b[bOff + r] += sum;
        }
    }

    @Override
    public void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff) {
        for (int i = 0; i < n; i++) {
            double z = a[aOff + i];
            double v;
            double g;
            switch (f) {
                case NONE -> {
                    v = z;
                    g = 1.0;
                }
                case TANH -> {
                    v = 1.0 - 2.0 / (KernelMath.expPoly(z * 2.0) + 1.0);
                    g = 1.0 - v * v;
                }
                case RELU -> {
                    v = z > 0 ? z : 0.0;
                    g = z > 0 ? 1.0 : 0.0;
                }
                case SIGMOID -> {
                    v = 1.0 / (1.0 + KernelMath.expPoly(z * -1.0));
                    g = v * (1.0 - v);
                }
                case LECUN_TANH -> {
                    double t = 1.0 - 2.0 / (KernelMath.expPoly(z * (2.0 * 0.666)) + 1.0);
                    v = t * 1.7159;
                    g = (1.0 - t * t) * (1.7159 * 0.666);
                }
                case SILU -> {
                    double s = 1.0 / (1.0 + KernelMath.expPoly(z * -1.0));
                    v = z * s;
                    g = s * (1.0 + z * (1.0 - s));
                }
                case GELU -> {
                    double cdf = 0.5 * (1.0 + Erf.value(z / Math.sqrt(2.0)));
                    v = z * cdf;
                    g = cdf + z * (Math.exp(-0.5 * z * z) / Math.sqrt(2.0 * Math.PI));
                }
                default -> throw new IllegalArgumentException(f.toString());
            }
            a[aOff + i] = v;
            d[dOff + i] = g;
        }
    }

    @Override
    public void multiply(double[] y, int yOff, double[] d, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] *= d[dOff + i];
        }
    }

    @Override
    public void add(double[] y, int yOff, double[] d, int dOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += d[dOff + i];
        }
    }

    @Override
    public void gate(boolean noGate, double[] heads, int hOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] out, int outOff) {
        int n = units * cols;
        for (int e = 0; e < n; e++) {
            int j = e % cols;
            double f1 = 1.0 - 2.0 / (KernelMath.expPoly(heads[hOff + e] * 2.0) + 1.0);
            double f2 = 1.0 - 2.0 / (KernelMath.expPoly(heads[hOff + n + e] * 2.0) + 1.0);
            double g = 1.0 / (1.0 + KernelMath.expPoly(-Math.fma(heads[hOff + 2 * n + e], dt[dtOff + j], heads[hOff + 3 * n + e])));
            s[sOff + e] = f1;
            s[sOff + n + e] = f2;
            s[sOff + 2 * n + e] = g;
            out[outOff + e] = noGate ? Math.fma(g, f2, f1) : f1 * (1.0 - g) + g * f2;
        }
    }

    @Override
    public void gateBackward(boolean noGate, double[] dh, int dhOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] dHeads, int dOff) {
        int n = units * cols;
        for (int e = 0; e < n; e++) {
            int j = e % cols;
            double f1 = s[sOff + e];
            double f2 = s[sOff + n + e];
            double g = s[sOff + 2 * n + e];
            double h = dh[dhOff + e];
            double d1 = noGate ? h : h * (1.0 - g);
            double d2 = h * g;
            double dg = noGate ? h * f2 : h * (f2 - f1);
            double pre = dg * (g * (1.0 - g));
            dHeads[dOff + e] = d1 * (1.0 - f1 * f1);
            dHeads[dOff + n + e] = d2 * (1.0 - f2 * f2);
            dHeads[dOff + 2 * n + e] = pre * dt[dtOff + j];
            dHeads[dOff + 3 * n + e] = pre;
        }
    }
}
