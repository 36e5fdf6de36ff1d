package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.kernel.KernelMath;
import dev.quantumliquid.engine.kernel.Kernels;
import dev.quantumliquid.engine.kernel.PackedMatrix;
import dev.quantumliquid.engine.layer.OpCounts;

/**
 * The LSTM memory cell ncps 1.0.1 runs before the liquid cell when mixed_memory is on (ncps/torch/lstm.py),
 * fed the raw layer input u and the hidden state h: z = W_i u + b_i + W_r h split into [i, ig, fg, og];
 * c' = c*sigmoid(fg + 1) + tanh(i)*sigmoid(ig); h' = tanh(c')*sigmoid(og). The liquid cell then runs from h'.
 */
final class MixedMemory {
    static final String INPUT_W = NcpsSpec.LSTM_INPUT_W;
    static final String INPUT_B = NcpsSpec.LSTM_INPUT_B;
    static final String RECURRENT_W = NcpsSpec.LSTM_RECURRENT_W;

    private final int in;
    private final int n;
    private final double[] wi;   // [4n][in]
    private final double[] bi;   // [4n]
    private final double[] wr;   // [4n][n]
    private final double[] zero; // [4n] the recurrent map has no bias
    private final PackedMatrix w; // [4n][in+n] = [W_i | W_r], bias b_i

    MixedMemory(TensorSet t, int in, int n) {
        this.in = in;
        this.n = n;
        this.wi = t.d(INPUT_W);
        this.bi = t.d(INPUT_B);
        this.wr = t.d(RECURRENT_W);
        this.zero = new double[4 * n];
        float[] both = new float[4 * n * (in + n)];
        for (int r = 0; r < 4 * n; r++) {
            for (int c = 0; c < in; c++) {
                both[r * (in + n) + c] = (float) wi[r * in + c];
            }
            for (int c = 0; c < n; c++) {
                both[r * (in + n) + in + c] = (float) wr[r * n + c];
            }
        }
        this.w = PackedMatrix.of(both, LiquidMath.floats(bi), 4 * n, in + n);
    }

    /** Floats of the z scratch {@link #step} needs. */
    int scratchSize() {
        return w.paddedRows();
    }

    /** Reference: reads u[0..in) and h = state[hOff..hOff+n), c = state[cOff..cOff+n); writes h', c' there. */
    void stepReference(double[] u, double[] state, int hOff, int cOff) {
        double[] zi = new double[4 * n];
        double[] zr = new double[4 * n];
        LiquidMath.matVec(wi, bi, u, 0, 4 * n, in, zi, 0);
        LiquidMath.matVec(wr, zero, state, hOff, 4 * n, n, zr, 0);
        for (int k = 0; k < n; k++) {
            double i = Math.tanh(zi[k] + zr[k]);
            double ig = KernelMath.sigmoid(zi[n + k] + zr[n + k]);
            double fg = KernelMath.sigmoid(zi[2 * n + k] + zr[2 * n + k] + 1.0);
            double og = KernelMath.sigmoid(zi[3 * n + k] + zr[3 * n + k]);
            double c = state[cOff + k] * fg + i * ig;
            state[cOff + k] = c;
            state[hOff + k] = Math.tanh(c) * og;
        }
    }

    /**
     * Fast path: uh = [u | h] (in+n floats) on entry; on return uh[in..in+n) holds h' and
     * state[cOff..cOff+n) holds c'. z is scratch of {@link #scratchSize()} floats.
     */
    void step(Kernels k, float[] uh, float[] z, float[] state, int cOff) {
        k.matVec(w, uh, 0, z, 0);
        k.lstmGates(z, n, state, cOff, uh, in);
    }

    /** 4n(in+n) MACs for z; per unit 3 MACs (c*fg, tanh(i)*ig, tanh(c')*og) and 5 transcendentals (2 tanh, 3 sigmoid). */
    OpCounts ops() {
        return new OpCounts(4L * n * (in + n) + 3L * n, 5L * n, 0, 0);
    }

    /**
     * C of {@link #step}: {@code uh} names [u | h] (in+n floats), {@code cell} the cell c[n]; on exit
     * uh[in..in+n) holds h' and cell holds c'. W = [W_i | W_r] as the fast path packs it.
     */
    void writeC(CSource c, String uh, String cell) {
        float[] both = new float[4 * n * (in + n)];
        for (int r = 0; r < 4 * n; r++) {
            for (int col = 0; col < in; col++) {
                both[r * (in + n) + col] = (float) wi[r * in + col];
            }
            for (int col = 0; col < n; col++) {
                both[r * (in + n) + in + col] = (float) wr[r * n + col];
            }
        }
        String z = c.scratch("lstm_z", 4 * n);
        dev.quantumliquid.engine.feedforward.DenseLayer.denseC(c, "lstm_w", both, LiquidMath.floats(bi), 4 * n, in + n, uh, z,
                dev.quantumliquid.engine.layer.Activation.NONE);
        c.line("for (int k = 0; k < %d; k++) {", n);
        c.line("float in = tanhf(%s[k]);", z);
        c.line("float ig = sigmoidf(%s[%d + k]);", z, n);
        c.line("float fg = sigmoidf(%s[%d + k] + 1.0f);", z, 2 * n);
        c.line("float og = sigmoidf(%s[%d + k]);", z, 3 * n);
        c.line("float cn = %s[k] * fg + in * ig;", cell);
        c.line("%s[k] = cn;", cell);
        c.line("%s[%d + k] = tanhf(cn) * og;", uh, in);
        c.line("}");
    }
}
