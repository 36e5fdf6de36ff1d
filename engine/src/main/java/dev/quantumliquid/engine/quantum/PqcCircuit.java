package dev.quantumliquid.engine.quantum;

import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.kernel.GateKernels;
import dev.quantumliquid.engine.layer.Workspace;

/**
 * The fast pqc step. Computes in float64 (for n <= 12 the state is at most 4096 amplitudes, so
 * doubles cost little and keep the result within rounding of the reference) and never allocates:
 * <ul>
 * <li>the encoding leaves every wire in its own 2-vector, so the state is their tensor product,
 *     built directly (product-state encoding) instead of applying 3n gates to |0...0>;</li>
 * <li>each Rot is one 2x2 matrix fused at load, applied by {@link GateKernels};</li>
 * <li>the CNOT ring is a fixed permutation of basis indices, applied as one gather (no arithmetic);</li>
 * <li>with dephasing the state is the density matrix rho[i][j] flattened to index i*2^n + j, so a
 *     gate U is U on the row bit and conj(U) on the column bit, and the dephasing of every wire is
 *     rho_ij *= (1-2p)^popcount(i xor j): Z_q rho Z_q only flips the sign where bit q of i and j differ.</li>
 * </ul>
 */
final class PqcCircuit {
    private final int n;
    private final int inputs;
    private final int layers;
    private final int dim;           // 2^n
    private final boolean mixed;     // dephasing > 0: density matrix
    private final double[] w;        // [n][inputs]
    private final double[] b;        // [n]
    private final double[][] gates;  // [layers*n][8] fused Rot of layer l, wire q at l*n+q
    private final double[][] gatesC; // [layers*n][8] their conjugates (density-matrix columns)
    private final int[] src;         // [dim] the CNOT ring maps the amplitude at src[k] to k
    private final double[] damp;     // [dim] (1-2p)^popcount(d), by d = i xor j
    private final GateKernels k;

    PqcCircuit(int n, int inputs, int layers, double dephasing, double[] w, double[] b, double[] rot, GateKernels k) {
        this.n = n;
        this.inputs = inputs;
        this.layers = layers;
        this.dim = 1 << n;
        this.mixed = dephasing > 0;
        this.w = w;
        this.b = b;
        this.k = k;
        this.gates = new double[layers * n][];
        this.gatesC = new double[layers * n][];
        for (int g = 0; g < layers * n; g++) {
            gates[g] = Gates.rot(rot[3 * g], rot[3 * g + 1], rot[3 * g + 2]);
            gatesC[g] = Gates.conj(gates[g]);
        }
        this.src = new int[dim];
        for (int x = 0; x < dim; x++) {
            src[ring(x)] = x;
        }
        this.damp = new double[dim];
        for (int d = 0; d < dim; d++) {
            damp[d] = Math.pow(1 - 2 * dephasing, Integer.bitCount(d));
        }
    }

    /** The basis index that CNOT(0,1), CNOT(1,2), ..., CNOT(n-1,0) send x to (n = 2: CNOT(0,1) only). */
    private int ring(int x) {
        int count = n == 2 ? 1 : n == 1 ? 0 : n;
        for (int q = 0; q < count; q++) {
            int t = (q + 1) % n;
            if (((x >> (n - 1 - q)) & 1) != 0) {
                x ^= 1 << (n - 1 - t);
            }
        }
        return x;
    }

    boolean mixed() {
        return mixed;
    }

    /** Per-session buffers. */
    static final class Ws implements Workspace {
        final double[] enc;  // [n][4] each wire's encoded 2-vector: a0.re, a0.im, a1.re, a1.im
        final double[] pRe;  // [2^n] product state (density-matrix mode), then
        final double[] pIm;  // [2^n]
        final double[] prob; // [2^n] basis probabilities, reduced in place by the readout
        final double[] ones; // [n] P(bit q = 1)
        double[] re;         // [2^n] statevector, or [4^n] density matrix row-major
        double[] im;         // same shape as re
        double[] re2;        // same shape: the CNOT gather target, swapped with re/im
        double[] im2;

        Ws(int n, boolean mixed) {
            int d = 1 << n;
            int len = mixed ? d * d : d;
            enc = new double[4 * n];
            pRe = new double[mixed ? d : 0];
            pIm = new double[mixed ? d : 0];
            prob = new double[d];
            ones = new double[n];
            re = new double[len];
            im = new double[len];
            re2 = new double[n > 1 ? len : 0];
            im2 = new double[n > 1 ? len : 0];
        }

        private void swap() {
            double[] t = re;
            re = re2;
            re2 = t;
            t = im;
            im = im2;
            im2 = t;
        }
    }

    Ws newWorkspace() {
        return new Ws(n, mixed);
    }

    /** One step: y[q] = <Z_q>; returns the coherence. */
    double step(float[] x, float[] y, Ws ws) {
        encode(x, ws);
        if (mixed) {
            productState(ws.pRe, ws.pIm, ws.enc);
            outer(ws);
            for (int l = 0; l < layers; l++) {
                for (int q = 0; q < n; q++) {
                    int bitStride = 1 << (n - 1 - q);
                    k.apply(ws.re, ws.im, dim * dim, bitStride * dim, gates[l * n + q]);
                    k.apply(ws.re, ws.im, dim * dim, bitStride, gatesC[l * n + q]);
                }
                permuteMixed(ws);
                dephase(ws.re, ws.im);
            }
            for (int i = 0; i < dim; i++) {
                ws.prob[i] = ws.re[i * dim + i];
            }
            readout(ws, y);
            double off = 0;
            for (int i = 0; i < dim - 1; i++) {
                off += k.sumAbs(ws.re, ws.im, i * dim + i + 1, dim - 1 - i);
            }
            return 2 * off / (dim - 1);
        }
        productState(ws.re, ws.im, ws.enc);
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q < n; q++) {
                k.apply(ws.re, ws.im, dim, 1 << (n - 1 - q), gates[l * n + q]);
            }
            permutePure(ws);
        }
        for (int i = 0; i < dim; i++) {
            ws.prob[i] = ws.re[i] * ws.re[i] + ws.im[i] * ws.im[i];
        }
        double norm = readout(ws, y);
        double s = k.sumAbs(ws.re, ws.im, 0, dim);
        return (s * s - norm) / (dim - 1);
    }

    /** u = W x + b, then H, RY(atan u), RZ(atan u^2) on |0> in closed form, per wire. */
    private void encode(float[] x, Ws ws) {
        for (int q = 0; q < n; q++) {
            double u = b[q];
            int row = q * inputs;
            for (int f = 0; f < inputs; f++) {
                u += w[row + f] * x[f];
            }
            double ha = Math.atan(u) / 2;
            double hb = Math.atan(u * u) / 2;
            double c = Math.cos(ha);
            double s = Math.sin(ha);
            double cb = Math.cos(hb);
            double sb = Math.sin(hb);
            // RY(a) H|0> = ((cos a/2 - sin a/2), (sin a/2 + cos a/2)) / sqrt2; RZ(b) adds phases e^{-+ib/2}
            double m0 = (c - s) * Gates.INV_SQRT2;
            double m1 = (s + c) * Gates.INV_SQRT2;
            ws.enc[4 * q] = m0 * cb;
            ws.enc[4 * q + 1] = -m0 * sb;
            ws.enc[4 * q + 2] = m1 * cb;
            ws.enc[4 * q + 3] = m1 * sb;
        }
    }

    /** re/im[0..2^n) = tensor product of the wires' 2-vectors, wire 0 the most significant bit. */
    private void productState(double[] re, double[] im, double[] enc) {
        re[0] = enc[0];
        im[0] = enc[1];
        re[1] = enc[2];
        im[1] = enc[3];
        for (int q = 1, len = 2; q < n; q++, len *= 2) {
            double v0r = enc[4 * q], v0i = enc[4 * q + 1], v1r = enc[4 * q + 2], v1i = enc[4 * q + 3];
            // descending, so index j is read before 2j and 2j+1 overwrite it
            for (int j = len - 1; j >= 0; j--) {
                double ar = re[j];
                double ai = im[j];
                re[2 * j] = ar * v0r - ai * v0i;
                im[2 * j] = ar * v0i + ai * v0r;
                re[2 * j + 1] = ar * v1r - ai * v1i;
                im[2 * j + 1] = ar * v1i + ai * v1r;
            }
        }
    }

    /** rho = |psi><psi| from the product state in pRe/pIm. */
    private void outer(Ws ws) {
        for (int i = 0; i < dim; i++) {
            double ar = ws.pRe[i];
            double ai = ws.pIm[i];
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                double br = ws.pRe[j];
                double bi = -ws.pIm[j];
                ws.re[row + j] = ar * br - ai * bi;
                ws.im[row + j] = ar * bi + ai * br;
            }
        }
    }

    private void permutePure(Ws ws) {
        if (n == 1) {
            return;
        }
        for (int i = 0; i < dim; i++) {
            ws.re2[i] = ws.re[src[i]];
            ws.im2[i] = ws.im[src[i]];
        }
        ws.swap();
    }

    private void permuteMixed(Ws ws) {
        if (n == 1) {
            return;
        }
        for (int i = 0; i < dim; i++) {
            int from = src[i] * dim;
            int to = i * dim;
            for (int j = 0; j < dim; j++) {
                ws.re2[to + j] = ws.re[from + src[j]];
                ws.im2[to + j] = ws.im[from + src[j]];
            }
        }
        ws.swap();
    }

    /** Every wire's dephasing at once; the diagonal (factor 1) is left alone. */
    private void dephase(double[] re, double[] im) {
        for (int i = 0; i < dim; i++) {
            int row = i * dim;
            for (int j = 0; j < dim; j++) {
                if (j != i) {
                    double f = damp[i ^ j];
                    re[row + j] *= f;
                    im[row + j] *= f;
                }
            }
        }
    }

    /**
     * y[q] = P(bit q = 0) - P(bit q = 1) from prob[2^n] by halving: summing neighbour pairs removes
     * the lowest remaining bit, whose odd entries are its P(bit = 1). Returns the total probability.
     * Destroys ws.prob.
     */
    private double readout(Ws ws, float[] y) {
        double[] prob = ws.prob;
        for (int len = dim, q = n - 1; len > 1; len /= 2, q--) {
            double odd = 0;
            for (int j = 0; j < len / 2; j++) {
                odd += prob[2 * j + 1];
                prob[j] = prob[2 * j] + prob[2 * j + 1];
            }
            ws.ones[q] = odd;
        }
        double total = prob[0];
        for (int q = 0; q < n; q++) {
            y[q] = (float) (total - 2 * ws.ones[q]);
        }
        return total;
    }

    /**
     * C of {@link #step} in float32 (the float64 of the Java path costs a soft-float library on a
     * Cortex-M4F): the same encoding, fused gates, CNOT gather, dephasing table and readout. The gate
     * helper {@code gate2} comes with the file's helpers.
     */
    void writeC(CSource c) {
        float[] wf = floats(w);
        float[] bf = floats(b);
        float[] g = new float[8 * layers * n];
        float[] gc = new float[8 * layers * n];
        for (int i = 0; i < layers * n; i++) {
            for (int e = 0; e < 8; e++) {
                g[8 * i + e] = (float) gates[i][e];
                gc[8 * i + e] = (float) gatesC[i][e];
            }
        }
        String wn = c.floats("proj_w", wf);
        String bn = c.floats("proj_b", bf);
        String gn = c.floats("gates", g);
        String gcn = mixed ? c.floats("gates_conj", gc) : null;
        String srcn = n > 1 ? c.indices("ring_src", src) : null;
        int len = mixed ? dim * dim : dim;
        String enc = c.scratch("enc", 4 * n);
        String re = c.scratch("re", len);
        String im = c.scratch("im", len);
        String re2 = n > 1 ? c.scratch("re2", len) : null;
        String im2 = n > 1 ? c.scratch("im2", len) : null;
        String prob = c.scratch("prob", dim);
        String ones = c.scratch("ones", n);
        c.line("(void)st;");
        c.line("(void)dt;");
        c.line("for (int q = 0; q < %d; q++) {", n);
        c.line("float u = %s[q];", bn);
        c.line("for (int f = 0; f < %d; f++) {", inputs);
        c.line("u += %s[q * %d + f] * x[f];", wn, inputs);
        c.line("}");
        c.line("float ha = atanf(u) / 2.0f;");
        c.line("float hb = atanf(u * u) / 2.0f;");
        c.line("float cs = cosf(ha);");
        c.line("float sn = sinf(ha);");
        c.line("float cb = cosf(hb);");
        c.line("float sb = sinf(hb);");
        c.line("float m0 = (cs - sn) * %s;", CSource.literal((float) Gates.INV_SQRT2));
        c.line("float m1 = (sn + cs) * %s;", CSource.literal((float) Gates.INV_SQRT2));
        c.line("%s[4 * q] = m0 * cb;", enc);
        c.line("%s[4 * q + 1] = -m0 * sb;", enc);
        c.line("%s[4 * q + 2] = m1 * cb;", enc);
        c.line("%s[4 * q + 3] = m1 * sb;", enc);
        c.line("}");
        String pr = re;
        String pi = im;
        if (mixed) {
            pr = c.scratch("psi_re", dim);
            pi = c.scratch("psi_im", dim);
        }
        // product state, wire 0 the most significant bit; descending so j is read before 2j, 2j+1 are written
        c.line("%s[0] = %s[0];", pr, enc);
        c.line("%s[0] = %s[1];", pi, enc);
        c.line("%s[1] = %s[2];", pr, enc);
        c.line("%s[1] = %s[3];", pi, enc);
        c.line("for (int q = 1, len = 2; q < %d; q++, len *= 2) {", n);
        c.line("float v0r = %s[4 * q], v0i = %s[4 * q + 1], v1r = %s[4 * q + 2], v1i = %s[4 * q + 3];", enc, enc, enc, enc);
        c.line("for (int j = len - 1; j >= 0; j--) {");
        c.line("float ar = %s[j];", pr);
        c.line("float ai = %s[j];", pi);
        c.line("%s[2 * j] = ar * v0r - ai * v0i;", pr);
        c.line("%s[2 * j] = ar * v0i + ai * v0r;", pi);
        c.line("%s[2 * j + 1] = ar * v1r - ai * v1i;", pr);
        c.line("%s[2 * j + 1] = ar * v1i + ai * v1r;", pi);
        c.line("}");
        c.line("}");
        if (mixed) {
            String damp = c.floats("damp", floats(this.damp));
            c.line("for (int i = 0; i < %d; i++) {", dim);
            c.line("for (int j = 0; j < %d; j++) {", dim);
            c.line("float br = %s[j];", pr);
            c.line("float bi = -%s[j];", pi);
            c.line("%s[i * %d + j] = %s[i] * br - %s[i] * bi;", re, dim, pr, pi);
            c.line("%s[i * %d + j] = %s[i] * bi + %s[i] * br;", im, dim, pr, pi);
            c.line("}");
            c.line("}");
            c.line("for (int l = 0; l < %d; l++) {", layers);
            c.line("for (int q = 0; q < %d; q++) {", n);
            c.line("int stride = 1 << (%d - q);", n - 1);
            c.line("gate2(%s, %s, %d, stride * %d, %s + 8 * (l * %d + q));", re, im, dim * dim, dim, gn, n);
            c.line("gate2(%s, %s, %d, stride, %s + 8 * (l * %d + q));", re, im, dim * dim, gcn, n);
            c.line("}");
            if (n > 1) {
                c.line("for (int i = 0; i < %d; i++) {", dim);
                c.line("int from = %s[i] * %d;", srcn, dim);
                c.line("for (int j = 0; j < %d; j++) {", dim);
                c.line("%s[i * %d + j] = %s[from + %s[j]];", re2, dim, re, srcn);
                c.line("%s[i * %d + j] = %s[from + %s[j]];", im2, dim, im, srcn);
                c.line("}");
                c.line("}");
                c.line("for (int i = 0; i < %d; i++) {", dim * dim);
                c.line("%s[i] = %s[i];", re, re2);
                c.line("%s[i] = %s[i];", im, im2);
                c.line("}");
            }
            c.line("for (int i = 0; i < %d; i++) {", dim);
            c.line("for (int j = 0; j < %d; j++) {", dim);
            c.line("if (j != i) {");
            c.line("float f = %s[i ^ j];", damp);
            c.line("%s[i * %d + j] *= f;", re, dim);
            c.line("%s[i * %d + j] *= f;", im, dim);
            c.line("}");
            c.line("}");
            c.line("}");
            c.line("}");
            c.line("for (int i = 0; i < %d; i++) {", dim);
            c.line("%s[i] = %s[i * %d];", prob, re, dim + 1);
            c.line("}");
        } else {
            c.line("for (int l = 0; l < %d; l++) {", layers);
            c.line("for (int q = 0; q < %d; q++) {", n);
            c.line("gate2(%s, %s, %d, 1 << (%d - q), %s + 8 * (l * %d + q));", re, im, dim, n - 1, gn, n);
            c.line("}");
            if (n > 1) {
                c.line("for (int i = 0; i < %d; i++) {", dim);
                c.line("%s[i] = %s[%s[i]];", re2, re, srcn);
                c.line("%s[i] = %s[%s[i]];", im2, im, srcn);
                c.line("}");
                c.line("for (int i = 0; i < %d; i++) {", dim);
                c.line("%s[i] = %s[i];", re, re2);
                c.line("%s[i] = %s[i];", im, im2);
                c.line("}");
            }
            c.line("}");
            c.line("for (int i = 0; i < %d; i++) {", dim);
            c.line("%s[i] = %s[i] * %s[i] + %s[i] * %s[i];", prob, re, re, im, im);
            c.line("}");
        }
        // readout by halving: y[q] = P(bit q = 0) - P(bit q = 1)
        c.line("for (int len = %d, q = %d; len > 1; len /= 2, q--) {", dim, n - 1);
        c.line("float odd = 0.0f;");
        c.line("for (int j = 0; j < len / 2; j++) {");
        c.line("odd += %s[2 * j + 1];", prob);
        c.line("%s[j] = %s[2 * j] + %s[2 * j + 1];", prob, prob, prob);
        c.line("}");
        c.line("%s[q] = odd;", ones);
        c.line("}");
        c.line("float total = %s[0];", prob);
        c.line("for (int q = 0; q < %d; q++) {", n);
        c.line("y[q] = total - 2.0f * %s[q];", ones);
        c.line("}");
        if (mixed) {
            c.line("float off = 0.0f;");
            c.line("for (int i = 0; i < %d; i++) {", dim - 1);
            c.line("for (int j = i + 1; j < %d; j++) {", dim);
            c.line("float a = %s[i * %d + j];", re, dim);
            c.line("float b = %s[i * %d + j];", im, dim);
            c.line("off += sqrtf(a * a + b * b);");
            c.line("}");
            c.line("}");
            c.line("return 2.0f * off / %s;", CSource.literal(dim - 1));
        } else {
            c.line("float s = 0.0f;");
            c.line("for (int i = 0; i < %d; i++) {", dim);
            c.line("s += sqrtf(%s[i] * %s[i] + %s[i] * %s[i]);", re, re, im, im);
            c.line("}");
            c.line("return (s * s - total) / %s;", CSource.literal(dim - 1));
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
