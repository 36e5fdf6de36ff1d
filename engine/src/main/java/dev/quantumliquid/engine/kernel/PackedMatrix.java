package dev.quantumliquid.engine.kernel;

import java.util.Arrays;

/**
 * A dense matrix with its bias, laid out for {@link Kernels#matVec(PackedMatrix, float[], int, float[], int)}:
 * rows in blocks of {@link #LANES} (the last block zero-padded), each block stored column by column,
 * so a kernel streams the weights once, in order, and keeps a block's row sums in one vector register.
 */
public final class PackedMatrix {
    /** Rows per block: the float lanes of the preferred vector species (8 with AVX2). */
    public static final int LANES = VectorKernels.S.length();

    final int rows;
    final int cols;
    final int blocks;
    final float[] data; // [blocks][cols][LANES]: data[(b*cols + c)*LANES + l] = w[b*LANES + l][c], 0 past rows
    final float[] bias; // [blocks*LANES], 0 past rows

    private PackedMatrix(int rows, int cols, float[] data, float[] bias) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = (rows + LANES - 1) / LANES;
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
        float[] d = new float[Math.multiplyExact(padded, cols)];
        for (int r = 0; r < rows; r++) {
            int b = r / LANES;
            int l = r % LANES;
            for (int c = 0; c < cols; c++) {
                d[(b * cols + c) * LANES + l] = w[r * cols + c];
            }
        }
        return new PackedMatrix(rows, cols, d, Arrays.copyOf(bias, padded));
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
