package dev.quantumliquid.engine.kernel;

/**
 * The four CfC heads (ff1, ff2, time_a, time_b, each [units][cols] with bias) laid out for the fused
 * {@link Kernels#cfcHeads} kernel: units in blocks of {@link PackedMatrix#LANES}; block u is a tile whose
 * columns hold ff1, ff2, time_a and time_b rows of those units side by side, so one pass yields all
 * four pre-activations of LANES units in registers and the gate runs right there. The units past the
 * last full block (fewer than LANES) go to an ordinary {@link PackedMatrix} of rows [ff1; ff2; ta; tb].
 */
public final class PackedHeads {
    static final int HEADS = 4;
    final int units;
    final int cols;
    final int blocks;       // full blocks of LANES units
    final float[] data;     // [blocks][cols][HEADS][LANES]
    final float[] bias;     // [blocks][HEADS][LANES]
    final int rest;         // units past the full blocks
    final PackedMatrix tail; // [HEADS*rest][cols] or null when rest == 0

    private PackedHeads(int units, int cols, float[] data, float[] bias, PackedMatrix tail) {
        int lanes = PackedMatrix.LANES;
        this.units = units;
        this.cols = cols;
        this.blocks = units / lanes;
        this.data = data;
        this.bias = bias;
        this.rest = units - blocks * lanes;
        this.tail = tail;
    }

    /** w[head] is [units][cols] row-major, b[head] is [units], heads in the order ff1, ff2, time_a, time_b. */
    public static PackedHeads of(float[][] w, float[][] b, int units, int cols) {
        int lanes = PackedMatrix.LANES;
        if (w.length != HEADS || b.length != HEADS) {
            throw new IllegalArgumentException("CfC heads come in fours");
        }
        for (int k = 0; k < HEADS; k++) {
            if (w[k].length != Math.multiplyExact(units, cols) || b[k].length != units) {
                throw new IllegalArgumentException("head " + k + ": " + w[k].length + " weights for " + units + "x" + cols);
            }
        }
        int blocks = units / lanes;
        int full = blocks * lanes;
        float[] data = new float[Math.multiplyExact(full * HEADS, cols)];
        float[] bias = new float[full * HEADS];
        for (int u = 0; u < blocks; u++) {
            for (int k = 0; k < HEADS; k++) {
                for (int l = 0; l < lanes; l++) {
                    int row = u * lanes + l;
                    bias[(u * HEADS + k) * lanes + l] = b[k][row];
                    for (int c = 0; c < cols; c++) {
                        data[((u * cols + c) * HEADS + k) * lanes + l] = w[k][row * cols + c];
                    }
                }
            }
        }
        int rest = units - full;
        PackedMatrix tail = null;
        if (rest > 0) {
            float[] tw = new float[HEADS * rest * cols];
            float[] tb = new float[HEADS * rest];
            for (int k = 0; k < HEADS; k++) {
                System.arraycopy(w[k], full * cols, tw, k * rest * cols, rest * cols);
                System.arraycopy(b[k], full, tb, k * rest, rest);
            }
            tail = PackedMatrix.of(tw, tb, HEADS * rest, cols);
        }
        return new PackedHeads(units, cols, data, bias, tail);
    }

    public int units() {
        return units;
    }

    /** Scratch floats {@link Kernels#cfcHeads} needs. */
    public int scratchSize() {
        return tail == null ? 0 : tail.paddedRows() + 2 * PackedMatrix.LANES;
    }
}
