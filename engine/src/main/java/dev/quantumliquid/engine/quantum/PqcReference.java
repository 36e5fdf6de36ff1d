package dev.quantumliquid.engine.quantum;

/**
 * The float64 reference of the pqc layer: spec section 4 written plainly, gate by gate, on a
 * statevector (dephasing 0) or the exact density matrix (dephasing > 0). Allocates per step; the
 * fast path in {@link PqcCircuit} is tested against it and both against the fixtures.
 */
final class PqcReference {
    private final int n;
    private final int inputs;
    private final int layers;
    private final double p;
    private final double[] w;   // [n][inputs]
    private final double[] b;   // [n]
    private final double[] rot; // [layers][n][3]

    PqcReference(int n, int inputs, int layers, double dephasing, double[] w, double[] b, double[] rot) {
        this.n = n;
        this.inputs = inputs;
        this.layers = layers;
        this.p = dephasing;
        this.w = w;
        this.b = b;
        this.rot = rot;
    }

    /** Writes y[q] = <Z_q> and returns the coherence C of the final state. */
    double step(double[] x, double[] y) {
        double[] u = new double[n];
        for (int q = 0; q < n; q++) {
            double s = b[q];
            for (int f = 0; f < inputs; f++) {
                s += w[q * inputs + f] * x[f];
            }
            u[q] = s;
        }
        return p == 0 ? pure(u, y) : mixed(u, y);
    }

    private double pure(double[] u, double[] y) {
        int dim = 1 << n;
        double[] re = new double[dim];
        double[] im = new double[dim];
        re[0] = 1;
        for (int q = 0; q < n; q++) {
            applyPure(re, im, q, Gates.h());
            applyPure(re, im, q, Gates.ry(Math.atan(u[q])));
            applyPure(re, im, q, Gates.rz(Math.atan(u[q] * u[q])));
        }
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q < n; q++) {
                int r = (l * n + q) * 3;
                applyPure(re, im, q, Gates.rz(rot[r]));
                applyPure(re, im, q, Gates.ry(rot[r + 1]));
                applyPure(re, im, q, Gates.rz(rot[r + 2]));
            }
            for (int[] cnot : ring()) {
                cnotPure(re, im, cnot[0], cnot[1]);
            }
        }
        double sumAbs = 0;
        for (int q = 0; q < n; q++) {
            y[q] = 0;
        }
        for (int k = 0; k < dim; k++) {
            double prob = re[k] * re[k] + im[k] * im[k];
            for (int q = 0; q < n; q++) {
                y[q] += bit(k, q) == 0 ? prob : -prob;
            }
            sumAbs += Math.sqrt(prob);
        }
        return (sumAbs * sumAbs - 1) / (dim - 1);
    }

    private double mixed(double[] u, double[] y) {
        int dim = 1 << n;
        double[][] re = new double[dim][dim];
        double[][] im = new double[dim][dim];
        re[0][0] = 1;
        for (int q = 0; q < n; q++) {
            applyMixed(re, im, q, Gates.h());
            applyMixed(re, im, q, Gates.ry(Math.atan(u[q])));
            applyMixed(re, im, q, Gates.rz(Math.atan(u[q] * u[q])));
        }
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q < n; q++) {
                int r = (l * n + q) * 3;
                applyMixed(re, im, q, Gates.rz(rot[r]));
                applyMixed(re, im, q, Gates.ry(rot[r + 1]));
                applyMixed(re, im, q, Gates.rz(rot[r + 2]));
            }
            for (int[] cnot : ring()) {
                cnotMixed(re, im, cnot[0], cnot[1]);
            }
            for (int q = 0; q < n; q++) {
                // rho <- (1-p) rho + p Z_q rho Z_q, where (Z_q rho Z_q)_ij = s_i s_j rho_ij
                for (int i = 0; i < dim; i++) {
                    for (int j = 0; j < dim; j++) {
                        double zz = (bit(i, q) == bit(j, q)) ? 1 : -1;
                        re[i][j] = (1 - p) * re[i][j] + p * zz * re[i][j];
                        im[i][j] = (1 - p) * im[i][j] + p * zz * im[i][j];
                    }
                }
            }
        }
        for (int q = 0; q < n; q++) {
            y[q] = 0;
            for (int k = 0; k < dim; k++) {
                y[q] += bit(k, q) == 0 ? re[k][k] : -re[k][k];
            }
        }
        double off = 0;
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                if (i != j) {
                    off += Math.hypot(re[i][j], im[i][j]);
                }
            }
        }
        return off / (dim - 1);
    }

    /** The cnot_ring entangler as (control, target) pairs in order. */
    private int[][] ring() {
        if (n == 1) {
            return new int[0][];
        }
        if (n == 2) {
            return new int[][] {{0, 1}};
        }
        int[][] r = new int[n][];
        for (int q = 0; q < n; q++) {
            r[q] = new int[] {q, (q + 1) % n};
        }
        return r;
    }

    /** Bit of wire q in basis index k; wire 0 is the most significant bit. */
    private int bit(int k, int q) {
        return (k >> (n - 1 - q)) & 1;
    }

    private void applyPure(double[] re, double[] im, int q, double[] g) {
        int m = 1 << (n - 1 - q);
        for (int i = 0; i < re.length; i++) {
            if ((i & m) == 0) {
                int j = i | m;
                double[] a = mulVec(g, re[i], im[i], re[j], im[j]);
                re[i] = a[0];
                im[i] = a[1];
                re[j] = a[2];
                im[j] = a[3];
            }
        }
    }

    /** rho <- U rho U^dagger: U on the row index, then conj(U) on the column index. */
    private void applyMixed(double[][] re, double[][] im, int q, double[] g) {
        int dim = re.length;
        int m = 1 << (n - 1 - q);
        double[] gc = Gates.conj(g);
        for (int c = 0; c < dim; c++) {
            for (int i = 0; i < dim; i++) {
                if ((i & m) == 0) {
                    int j = i | m;
                    double[] a = mulVec(g, re[i][c], im[i][c], re[j][c], im[j][c]);
                    re[i][c] = a[0];
                    im[i][c] = a[1];
                    re[j][c] = a[2];
                    im[j][c] = a[3];
                }
            }
        }
        for (int r = 0; r < dim; r++) {
            for (int i = 0; i < dim; i++) {
                if ((i & m) == 0) {
                    int j = i | m;
                    double[] a = mulVec(gc, re[r][i], im[r][i], re[r][j], im[r][j]);
                    re[r][i] = a[0];
                    im[r][i] = a[1];
                    re[r][j] = a[2];
                    im[r][j] = a[3];
                }
            }
        }
    }

    /** g times the column vector (a0, a1), as {re0, im0, re1, im1}. */
    private static double[] mulVec(double[] g, double a0r, double a0i, double a1r, double a1i) {
        return new double[] {
            g[0] * a0r - g[1] * a0i + g[2] * a1r - g[3] * a1i,
            g[0] * a0i + g[1] * a0r + g[2] * a1i + g[3] * a1r,
            g[4] * a0r - g[5] * a0i + g[6] * a1r - g[7] * a1i,
            g[4] * a0i + g[5] * a0r + g[6] * a1i + g[7] * a1r,
        };
    }

    private void cnotPure(double[] re, double[] im, int control, int target) {
        int cm = 1 << (n - 1 - control);
        int tm = 1 << (n - 1 - target);
        for (int i = 0; i < re.length; i++) {
            if ((i & cm) != 0 && (i & tm) == 0) {
                swap(re, i, i | tm);
                swap(im, i, i | tm);
            }
        }
    }

    /** rho <- X rho X^T for the permutation X of the CNOT: swap rows, then columns. */
    private void cnotMixed(double[][] re, double[][] im, int control, int target) {
        int cm = 1 << (n - 1 - control);
        int tm = 1 << (n - 1 - target);
        int dim = re.length;
        for (int i = 0; i < dim; i++) {
            if ((i & cm) != 0 && (i & tm) == 0) {
                double[] t = re[i];
                re[i] = re[i | tm];
                re[i | tm] = t;
                t = im[i];
                im[i] = im[i | tm];
                im[i | tm] = t;
            }
        }
        for (int r = 0; r < dim; r++) {
            for (int i = 0; i < dim; i++) {
                if ((i & cm) != 0 && (i & tm) == 0) {
                    swap(re[r], i, i | tm);
                    swap(im[r], i, i | tm);
                }
            }
        }
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
