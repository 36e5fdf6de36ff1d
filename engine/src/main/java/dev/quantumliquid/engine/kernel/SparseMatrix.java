package dev.quantumliquid.engine.kernel;

import java.util.Arrays;

/**
 * A matrix with bias keeping only the entries a mask allows, row by row (CSR), for
 * {@link Kernels#matVec(SparseMatrix, float[], int, float[], int)}: masked-out weights cost nothing.
 */
public final class SparseMatrix {
    final int rows;
    final int cols;
    final int[] start; // [rows+1]: row r's entries are [start[r], start[r+1])
    final int[] col;   // [nonzeros] column of each entry
    final float[] val; // [nonzeros]
    final float[] bias; // [rows]

    private SparseMatrix(int rows, int cols, int[] start, int[] col, float[] val, float[] bias) {
        this.rows = rows;
        this.cols = cols;
        this.start = start;
        this.col = col;
        this.val = val;
        this.bias = bias;
    }

    /** Keeps w[r][c] (row-major) where keep[r*cols + c] != 0. */
    public static SparseMatrix of(float[] w, float[] keep, float[] bias, int rows, int cols) {
        if (w.length != Math.multiplyExact(rows, cols) || keep.length != w.length || bias.length != rows) {
            throw new IllegalArgumentException("sparse " + rows + "x" + cols + " from " + w.length + " weights");
        }
        int[] start = new int[rows + 1];
        int nz = 0;
        for (float k : keep) {
            nz += k != 0f ? 1 : 0;
        }
        int[] col = new int[nz];
        float[] val = new float[nz];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (keep[r * cols + c] != 0f) {
                    col[p] = c;
                    val[p++] = w[r * cols + c];
                }
            }
            start[r + 1] = p;
        }
        return new SparseMatrix(rows, cols, start, col, val, Arrays.copyOf(bias, rows));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nonzeros() {
        return val.length;
    }
}
