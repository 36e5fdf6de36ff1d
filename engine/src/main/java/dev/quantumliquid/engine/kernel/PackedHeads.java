package dev.quantumliquid.engine.kernel;

/**
 * The CfC heads (ff1, ff2, time_a, time_b, each [units][cols] with bias) laid out for the fused
 * {@link Kernels#cfcHeads} kernel: units in blocks of {@link PackedMatrix#LANES}; a block's columns hold
 * its ff1, ff2, time_a and time_b rows side by side, so one pass yields all four pre-activations of
 * LANES units in registers and the gate runs right there. Blocks go in tiles of {@link #tileBlocks}
 * (3 with three heads, 2 with four: nine or eight accumulators, enough independent fma chains to hide
 * the fma latency), stored column by column; the full blocks after the last tile are stored one by
 * one. The units past the last full block (fewer than LANES) go to an ordinary {@link PackedMatrix} of
 * rows [ff1; ff2; ta; tb].
 *
 * <p>With three heads (ff1, ff2, g) the third is the gate's whole pre-activation for one fixed time
 * span: for dt = 1, ta * dt + tb = (Wa + Wb) z + (ba + bb), one product instead of two (see
 * {@link #unitTimeSpan}).
 */
public final class PackedHeads {
    static final int HEADS = 4;
    final int heads;        // 4: ff1, ff2, time_a, time_b; 3: ff1, ff2 and the gate pre-activation at dt = 1
    final int units;
    final int cols;
    final int blocks;       // full blocks of LANES units
    final int tileBlocks;   // blocks per tile: 3 with three heads, 2 with four
    final int tiles;        // full tiles; the blocks past tiles*tileBlocks are stored singly
    final float[] data;     // [tiles][cols][tileBlocks][heads][LANES], then [blocks left][cols][heads][LANES]
    final float[] bias;     // [blocks][heads][LANES]
    final int rest;         // units past the full blocks
    final PackedMatrix tail; // [heads*rest][cols] or null when rest == 0

    private PackedHeads(int heads, int units, int cols, float[] data, float[] bias, PackedMatrix tail) {
        int lanes = PackedMatrix.LANES;
        this.heads = heads;
        this.units = units;
        this.cols = cols;
        this.blocks = units / lanes;
        this.tileBlocks = tileBlocks(heads);
        this.tiles = blocks / tileBlocks;
        this.data = data;
        this.bias = bias;
        this.rest = units - blocks * lanes;
        this.tail = tail;
    }

    /** w[head] is [units][cols] row-major, b[head] is [units], heads in the order ff1, ff2, time_a, time_b. */
    public static PackedHeads of(float[][] w, float[][] b, int units, int cols) {
        if (w.length != HEADS || b.length != HEADS) {
            throw new IllegalArgumentException("CfC heads come in fours");
        }
        return pack(w, b, units, cols);
    }

    /**
     * The heads for the time span 1 (ncps's default when no time spans are given): ff1, ff2 and the
     * gate pre-activation ta + tb with its weights and biases summed once here.
     */
    public static PackedHeads unitTimeSpan(float[][] w, float[][] b, int units, int cols) {
        if (w.length != HEADS || b.length != HEADS) {
            throw new IllegalArgumentException("CfC heads come in fours");
        }
        float[] gw = new float[w[2].length];
        float[] gb = new float[b[2].length];
        for (int i = 0; i < gw.length; i++) {
            gw[i] = w[2][i] + w[3][i];
        }
        for (int i = 0; i < gb.length; i++) {
            gb[i] = b[2][i] + b[3][i];
        }
        return pack(new float[][] {w[0], w[1], gw}, new float[][] {b[0], b[1], gb}, units, cols);
    }

    private static PackedHeads pack(float[][] w, float[][] b, int units, int cols) {
        int lanes = PackedMatrix.LANES;
        int heads = w.length;
        for (int k = 0; k < heads; k++) {
            if (w[k].length != Math.multiplyExact(units, cols) || b[k].length != units) {
                throw new IllegalArgumentException("head " + k + ": " + w[k].length + " weights for " + units + "x" + cols);
            }
        }
        int blocks = units / lanes;
        int full = blocks * lanes;
        float[] data = new float[Math.multiplyExact(full * heads, cols)];
        float[] bias = new float[full * heads];
        int tiles = blocks / tileBlocks(heads);
        for (int u = 0; u < blocks; u++) {
            for (int k = 0; k < heads; k++) {
                for (int l = 0; l < lanes; l++) {
                    int row = u * lanes + l;
                    bias[(u * heads + k) * lanes + l] = b[k][row];
                    for (int c = 0; c < cols; c++) {
                        data[index(heads, cols, tiles, u, k, l, c)] = w[k][row * cols + c];
                    }
                }
            }
        }
        int rest = units - full;
        PackedMatrix tail = null;
        if (rest > 0) {
            float[] tw = new float[heads * rest * cols];
            float[] tb = new float[heads * rest];
            for (int k = 0; k < heads; k++) {
                System.arraycopy(w[k], full * cols, tw, k * rest * cols, rest * cols);
                System.arraycopy(b[k], full, tb, k * rest, rest);
            }
            tail = PackedMatrix.of(tw, tb, heads * rest, cols);
        }
        return new PackedHeads(heads, units, cols, data, bias, tail);
    }

    private static int tileBlocks(int heads) {
        return heads == 3 ? 3 : 2;
    }

    /** Where weight c of head k for unit l of full block u lives in {@link #data}. */
    int index(int u, int k, int l, int c) {
        return index(heads, cols, tiles, u, k, l, c);
    }

    private static int index(int heads, int cols, int tiles, int u, int k, int l, int c) {
        int lanes = PackedMatrix.LANES;
        int tb = tileBlocks(heads);
        if (u < tiles * tb) {
            return ((((u / tb) * cols + c) * tb + u % tb) * heads + k) * lanes + l;
        }
        return ((tiles * tb * cols + (u - tiles * tb) * cols + c) * heads + k) * lanes + l;
    }

    public int units() {
        return units;
    }

    /** Scratch floats {@link Kernels#cfcHeads} needs. */
    public int scratchSize() {
        return tail == null ? 0 : tail.paddedRows() + 2 * PackedMatrix.LANES;
    }
}
