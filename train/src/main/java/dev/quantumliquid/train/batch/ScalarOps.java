package dev.quantumliquid.train.batch;

import dev.quantumliquid.engine.layer.Activation;
import org.apache.commons.numbers.gamma.Erf;

/**
 * The scalar reference of {@link Ops}, and an exact one: every value is computed by the same IEEE
 * operations in the same order as {@link VectorOps} computes it in its lane (fma chains in the same
 * order, the same e^x polynomial, lane-by-lane partial sums), so the two give the same bits and
 * training could run on either. Same column padding as the vector twin.
 */
final class ScalarOps implements Ops {
    static final ScalarOps INSTANCE = new ScalarOps();
    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 6.93147180369123816490e-01; // fdlibm's split of ln 2: k LN2_HI is exact
    static final double LN2_LO = 1.90821492927058770002e-10;
    static final double EXP_SHIFTER = 6755399441055744.0; // 1.5 2^52
    static final double EXP_LO = -708.0;
    static final double EXP_HI = 709.0;
    private static final long EXP_BIAS = Double.doubleToRawLongBits(EXP_SHIFTER) - 1023L;

    private ScalarOps() {
    }

    @Override
    public int lanes() {
        return VectorOps.INSTANCE.lanes();
    }

    /**
     * e^x as {@link VectorOps#exp} computes it in each lane: x clamped to [-708, 709], x = k ln2 + r
     * (k by the 1.5 2^52 rounding trick), e^r by its Taylor polynomial to degree 13 in Horner form,
     * times 2^k from the exponent bits.
     */
    static double exp(double x) {
        double c = Math.min(Math.max(x, EXP_LO), EXP_HI);
        double t = Math.fma(c, LOG2E, EXP_SHIFTER);
        double k = t - EXP_SHIFTER;
        double r = Math.fma(k, -LN2_HI, c);
        r = Math.fma(k, -LN2_LO, r);
        double p = 1.0 / 6227020800.0;
        p = Math.fma(p, r, 1.0 / 479001600.0);
        p = Math.fma(p, r, 1.0 / 39916800.0);
        p = Math.fma(p, r, 1.0 / 3628800.0);
        p = Math.fma(p, r, 1.0 / 362880.0);
        p = Math.fma(p, r, 1.0 / 40320.0);
        p = Math.fma(p, r, 1.0 / 5040.0);
        p = Math.fma(p, r, 1.0 / 720.0);
        p = Math.fma(p, r, 1.0 / 120.0);
        p = Math.fma(p, r, 1.0 / 24.0);
        p = Math.fma(p, r, 1.0 / 6.0);
        p = Math.fma(p, r, 0.5);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        return p * Double.longBitsToDouble((Double.doubleToRawLongBits(t) - EXP_BIAS) << 52);
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
                    v = 1.0 - 2.0 / (exp(z * 2.0) + 1.0);
                    g = 1.0 - v * v;
                }
                case RELU -> {
                    v = z > 0 ? z : 0.0;
                    g = z > 0 ? 1.0 : 0.0;
                }
                case SIGMOID -> {
                    v = 1.0 / (1.0 + exp(z * -1.0));
                    g = v * (1.0 - v);
                }
                case LECUN_TANH -> {
                    double t = 1.0 - 2.0 / (exp(z * (2.0 * 0.666)) + 1.0);
                    v = t * 1.7159;
                    g = (1.0 - t * t) * (1.7159 * 0.666);
                }
                case SILU -> {
                    double s = 1.0 / (1.0 + exp(z * -1.0));
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
            double f1 = 1.0 - 2.0 / (exp(heads[hOff + e] * 2.0) + 1.0);
            double f2 = 1.0 - 2.0 / (exp(heads[hOff + n + e] * 2.0) + 1.0);
            double g = 1.0 / (1.0 + exp(-Math.fma(heads[hOff + 2 * n + e], dt[dtOff + j], heads[hOff + 3 * n + e])));
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
