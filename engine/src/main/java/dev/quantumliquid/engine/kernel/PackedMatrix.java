package dev.quantumliquid.engine.kernel;

import java.util.Arrays;

/**
 * A dense matrix with its bias, laid out for {@link Kernels#matVec(PackedMatrix, float[], int, float[], int)}:
 * rows in blocks of {@link #LANES} (the last block zero-padded). Blocks go first in wide tiles of
 * {@link #WIDE}, then in tiles of {@link #TILE}; a tile is stored column by column, each column holding
 * its blocks' LANES rows side by side; the blocks after the last tile are stored one by one, column by
 * column. A kernel thus reads the weights once, strictly in order, and keeps a tile's row sums in
 * WIDE or TILE vector registers: WIDE independent fma chains cover the fma latency (4 cycles, 2 per
 * cycle on the machines benchmarked), TILE covers half of it.
 */
public final class PackedMatrix {
    /** Rows per block: the float lanes of {@link VectorWidth} (8). */
    public static final int LANES = VectorKernels.S.length();
    /** Blocks per wide tile. */
    public static final int WIDE = 8;
    /** Blocks per tile (after the wide tiles). */
    public static final int TILE = 4;

    final int rows;
    final int cols;
    final int blocks;
    final int wide;     // wide tiles (WIDE blocks each), first
    final int tiles;    // then tiles of TILE blocks; blocks past wide*WIDE + tiles*TILE are stored singly
    final float[] data; // [paddedRows*cols] at index(r, c), 0 past rows
    final float[] bias; // [blocks*LANES], 0 past rows

    private PackedMatrix(int rows, int cols, float[] data, float[] bias) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = (rows + LANES - 1) / LANES;
        this.wide = blocks / WIDE;
        this.tiles = (blocks - wide * WIDE) / TILE;
        this.data = data;
        this.bias = bias;
    }

    /** Packs w[rows][cols] (row-major) and bias[rows]. */
    public static PackedMatrix of(float[] w, float[] bias, int rows, int cols) {
        if (rows < 1 || cols < 1 || w.length != Math.multiplyExact(rows, cols) || bias.length != rows) {
            throw new IllegalArgumentException("packing a " + rows + "x" + cols + " matrix from " + w.length
                    + " weights and " + bias.length + " biases");
        }
        int padded = paddedRows(rows);
        float[] data = new float[Math.multiplyExact(padded, cols)];
        PackedMatrix m = new PackedMatrix(rows, cols, data, Arrays.copyOf(bias, padded));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                m.data[m.index(r, c)] = w[r * cols + c];
            }
        }
        return m;
    }

    /** Where w[r][c] lives in {@link #data}. */
    int index(int r, int c) {
        int b = r / LANES;
        int l = r % LANES;
        if (b < wide * WIDE) {
            return ((b / WIDE) * cols + c) * WIDE * LANES + (b % WIDE) * LANES + l;
        }
        int base = wide * WIDE * cols * LANES;
        b -= wide * WIDE;
        if (b < tiles * TILE) {
            return base + ((b / TILE) * cols + c) * TILE * LANES + (b % TILE) * LANES + l;
        }
        return base + tiles * TILE * cols * LANES + ((b - tiles * TILE) * cols + c) * LANES + l;
    }

    /** rows rounded up to a multiple of {@link #LANES}: the room a kernel's output needs. */
    public static int paddedRows(int rows) {
        return (rows + LANES - 1) / LANES * LANES;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Floats matVec writes: {@link #rows()} results, then zeros up to a multiple of {@link #LANES}. */
    public int paddedRows() {
        return blocks * LANES;
    }
}
