package dev.quantumliquid.train.fast;

import dev.quantumliquid.engine.model.Activation;
import org.apache.commons.numbers.gamma.Erf;

/** The scalar reference of {@link Ops}: plain loops, the tape's formulas (Math.tanh, Math.exp). */
final class ScalarOps implements Ops {
    static final ScalarOps INSTANCE = new ScalarOps();

    private ScalarOps() {
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double s = bias == null ? 0.0 : bias[biasOff + r];
                for (int i = 0; i < inner; i++) {
                    s += a[aOff + r * lda + i] * x[xOff + i * cols + j];
                }
                c[cOff + r * cols + j] = s;
            }
        }
    }

    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
            int cols, double[] w, int wOff, int ldw) {
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < inner; k++) {
                double s = 0.0;
                for (int t = 0; t < steps; t++) {
                    int d = dzOff + t * dzStep + r * cols;
                    int v = xtOff + t * xtStep + k;
                    for (int j = 0; j < cols; j++) {
                        s += dz[d + j] * xt[v + j * ldx];
                    }
                }
                w[wOff + r * ldw + k] += s;
            }
        }
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        for (int r = 0; r < rows; r++) {
            double s = 0.0;
            for (int t = 0; t < steps; t++) {
                int d = dzOff + t * dzStep + r * cols;
                for (int j = 0; j < cols; j++) {
                    s += dz[d + j];
                }
            }
            b[bOff + r] += s;
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
                    v = Math.tanh(z);
                    g = 1.0 - v * v;
                }
                case RELU -> {
                    v = z > 0 ? z : 0.0;
                    g = z > 0 ? 1.0 : 0.0;
                }
                case SIGMOID -> {
                    v = 1.0 / (1.0 + Math.exp(-z));
                    g = v * (1.0 - v);
                }
                case LECUN_TANH -> {
                    double t = Math.tanh(0.666 * z);
                    v = 1.7159 * t;
                    g = 1.7159 * 0.666 * (1.0 - t * t);
                }
                case SILU -> {
                    double s = 1.0 / (1.0 + Math.exp(-z));
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

    /** GELU for the vector twin (no vector erf): the scalar formulas. */
    static void gelu(double[] a, int aOff, int n, double[] d, int dOff) {
        INSTANCE.activate(Activation.GELU, a, aOff, n, d, dOff);
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
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < cols; j++) {
                int e = i * cols + j;
                double f1 = Math.tanh(heads[hOff + e]);
                double f2 = Math.tanh(heads[hOff + n + e]);
                double g = 1.0 / (1.0 + Math.exp(-(heads[hOff + 2 * n + e] * dt[dtOff + j] + heads[hOff + 3 * n + e])));
                s[sOff + e] = f1;
                s[sOff + n + e] = f2;
                s[sOff + 2 * n + e] = g;
                out[outOff + e] = noGate ? f1 + g * f2 : f1 * (1.0 - g) + g * f2;
            }
        }
    }

    @Override
    public void gateBackward(boolean noGate, double[] dh, int dhOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] dHeads, int dOff) {
        int n = units * cols;
        for (int i = 0; i < units; i++) {
            for (int j = 0; j < cols; j++) {
                int e = i * cols + j;
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
}
