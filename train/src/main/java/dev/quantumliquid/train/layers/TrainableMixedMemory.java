package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.liquid.NcpsSpec;
import dev.quantumliquid.train.grad.Tape;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ncps mixed-memory (LSTM) cell run before the liquid cell: z = W_i u + b_i + W_r h split into
 * [i, ig, fg, og]; c' = c sigma(fg + 1) + tanh(i) sigma(ig); h' = tanh(c') sigma(og).
 */
final class TrainableMixedMemory {
    static final String INPUT_W = NcpsSpec.LSTM_INPUT_W;
    static final String INPUT_B = NcpsSpec.LSTM_INPUT_B;
    static final String RECURRENT_W = NcpsSpec.LSTM_RECURRENT_W;

    private final int in;
    private final int n;
    private final int wi; // [4n][in]
    private final int bi; // [4n]
    private final int wr; // [4n][n]

    private TrainableMixedMemory(Params p, int in, int n, double[] wi, double[] bi, double[] wr) {
        this.in = in;
        this.n = n;
        this.wi = p.add(INPUT_W, new int[] {4 * n, in}, wi);
        this.bi = p.add(INPUT_B, new int[] {4 * n}, bi);
        this.wr = p.add(RECURRENT_W, new int[] {4 * n, n}, wr);
    }

    /** xavier-uniform maps, zero bias. */
    static TrainableMixedMemory create(Params p, int in, int n, SplittableRandom r) {
        return new TrainableMixedMemory(p, in, n, Init.xavier(r, 4 * n, in), new double[4 * n], Init.xavier(r, 4 * n, n));
    }

    static TrainableMixedMemory of(Params p, int in, int n, Map<String, dev.quantumliquid.engine.format.Tensor> m, String where) {
        return new TrainableMixedMemory(p, in, n, Params.from(m, INPUT_W, 4 * n * in, where),
                Params.from(m, INPUT_B, 4 * n, where), Params.from(m, RECURRENT_W, 4 * n * n, where));
    }

    /** Replaces h = state[0..n) and c = state[n..2n) by the cell's update from raw input u. */
    void step(Tape t, int base, int zero, int[] u, int[] state) {
        int[] h = java.util.Arrays.copyOf(state, n);
        int[] pre = new int[4 * n];
        for (int r = 0; r < 4 * n; r++) {
            int zi = t.affine(base + wi + r * in, u, 0, in, base + bi + r, null, 0);
            int zr = t.affine(base + wr + r * n, h, 0, n, zero, null, 0);
            pre[r] = t.add(zi, zr);
        }
        for (int k = 0; k < n; k++) {
            int i = t.tanh(pre[k]);
            int ig = t.sigmoid(pre[n + k]);
            int fg = t.sigmoid(t.shift(pre[2 * n + k], 1.0));
            int og = t.sigmoid(pre[3 * n + k]);
            int c = t.add(t.mul(state[n + k], fg), t.mul(i, ig));
            state[n + k] = c;
            state[k] = t.mul(t.tanh(c), og);
        }
    }
}
