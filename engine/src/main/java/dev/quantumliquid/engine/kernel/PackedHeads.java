package dev.quantumliquid.engine.kernel;

/**
 * The CfC heads (ff1, ff2, time_a, time_b, each [units][cols] with bias) laid out for the fused
 * {@link Kernels#cfcHeads} kernel: units in blocks of {@link PackedMatrix#LANES}; a block's columns hold
 * its ff1, ff2, time_a and time_b rows side by side, so one pass yields all four pre-activations of
 * LANES units in registers and the gate runs right there. Blocks go in tiles of {@link #tileBlocks}
 * (3 with three heads, 2 with four: nine or eight accumulators, enough independent fma chains to hide
 * the fma latency), stored column by column; the full blocks after the last tile are stored one by
 * one. The units past the last full block (fewer than LANES) ride along in the last tile as one more
 * vector when their heads fit one ({@link #restInTile}), else they go to an ordinary {@link PackedMatrix} of
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
    final int rest;         // units past the full blocks
    /**
     * The rest's heads*rest rows fit one vector and there is a tile: they ride along in the last tile as
     * one more accumulator, lane k*rest + j holding head k of unit blocks*LANES + j.
     */
    final boolean restInTile;
    final float[] data;     // [tiles][cols][tileBlocks*heads (+1 in the last tile if restInTile)][LANES], then [blocks left][cols][heads][LANES]
    final float[] bias;     // [blocks][heads][LANES], then if restInTile [LANES] for the rest
    final PackedMatrix tail; // [heads*rest][cols] when there is a rest not in a tile, else null
    /** With the rest in a tile, per lane of its vector: -2, 2, -1 on the ff lanes, -1, 1, 0 on the gate's. */
    final float[] restK, restM, restA;

    private PackedHeads(int heads, int units, int cols) {
        int lanes = PackedMatrix.LANES;
        this.heads = heads;
        this.units = units;
        this.cols = cols;
        this.blocks = units / lanes;
        this.tileBlocks = heads == 3 ? 3 : 2;
        this.tiles = blocks / tileBlocks;
        this.rest = units - blocks * lanes;
        this.restInTile = rest > 0 && heads * rest <= lanes && tiles > 0;
        int full = blocks * lanes;
        this.data = new float[Math.multiplyExact(full * heads + (restInTile ? lanes : 0), cols)];
        this.bias = new float[full * heads + (restInTile ? lanes : 0)];
        this.tail = null;
        this.restK = new float[lanes];
        this.restM = new float[lanes];
        this.restA = new float[lanes];
        for (int l = 0; l < lanes; l++) {
            boolean ff = l < 2 * rest;
            restK[l] = ff ? -2f : -1f;
            restM[l] = ff ? 2f : 1f;
            restA[l] = ff ? -1f : 0f;
        }
    }

    private PackedHeads(PackedHeads shape, PackedMatrix tail) {
        this.heads = shape.heads;
        this.units = shape.units;
        this.cols = shape.cols;
        this.blocks = shape.blocks;
        this.tileBlocks = shape.tileBlocks;
        this.tiles = shape.tiles;
        this.rest = shape.rest;
        this.restInTile = shape.restInTile;
        this.data = shape.data;
        this.bias = shape.bias;
        this.tail = tail;
        this.restK = shape.restK;
        this.restM = shape.restM;
        this.restA = shape.restA;
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
        PackedHeads m = new PackedHeads(heads, units, cols);
        for (int u = 0; u < m.blocks; u++) {
            for (int k = 0; k < heads; k++) {
                for (int l = 0; l < lanes; l++) {
                    int row = u * lanes + l;
                    m.bias[(u * heads + k) * lanes + l] = b[k][row];
                    for (int c = 0; c < cols; c++) {
                        m.data[m.index(u, k, l, c)] = w[k][row * cols + c];
                    }
                }
            }
        }
        int full = m.blocks * lanes;
        if (m.restInTile) {
            for (int k = 0; k < heads; k++) {
                for (int j = 0; j < m.rest; j++) {
                    m.bias[full * heads + k * m.rest + j] = b[k][full + j];
                    for (int c = 0; c < cols; c++) {
                        m.data[m.restIndex(k, j, c)] = w[k][(full + j) * cols + c];
                    }
                }
            }
            return m;
        }
        if (m.rest == 0) {
            return m;
        }
        int rest = m.rest;
        float[] tw = new float[heads * rest * cols];
        float[] tb = new float[heads * rest];
        for (int k = 0; k < heads; k++) {
            System.arraycopy(w[k], full * cols, tw, k * rest * cols, rest * cols);
            System.arraycopy(b[k], full, tb, k * rest, rest);
        }
        return new PackedHeads(m, PackedMatrix.of(tw, tb, heads * rest, cols));
    }

    /** Floats per column of an ordinary tile. */
    private int tileWidth() {
        return tileBlocks * heads * PackedMatrix.LANES;
    }

    /** Where weight c of head k for unit l of full block u lives in {@link #data}. */
    int index(int u, int k, int l, int c) {
        int lanes = PackedMatrix.LANES;
        int tw = tileWidth();
        if (u < tiles * tileBlocks) {
            int t = u / tileBlocks;
            int width = restInTile && t == tiles - 1 ? tw + lanes : tw;
            return t * cols * tw + c * width + ((u % tileBlocks) * heads + k) * lanes + l;
        }
        int singles = tiles * cols * tw + (restInTile ? cols * lanes : 0);
        return singles + (((u - tiles * tileBlocks) * cols + c) * heads + k) * lanes + l;
    }

    /** Where weight c of head k for unit blocks*LANES + j (j < rest) lives in {@link #data}, if restInTile. */
    int restIndex(int k, int j, int c) {
        int tw = tileWidth();
        return (tiles - 1) * cols * tw + c * (tw + PackedMatrix.LANES) + tw + k * rest + j;
    }

    public int units() {
        return units;
    }

    /** Scratch floats {@link Kernels#cfcHeads} needs. */
    public int scratchSize() {
        return gateScratch() + 9 * PackedMatrix.LANES;
    }

    /**
     * Where the vector kernel's gate arguments start in the scratch (after the rest's or tail's
     * pre-activations): 3 heads' worth of a tile of at most 3 blocks.
     */
    int gateScratch() {
        if (restInTile) {
            return PackedMatrix.LANES;
        }
        return tail == null ? 0 : tail.paddedRows() + 2 * PackedMatrix.LANES;
    }
}
