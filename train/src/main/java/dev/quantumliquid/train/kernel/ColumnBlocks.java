package dev.quantumliquid.train.kernel;

/**
 * Conversions between the seam's sequence-major steps ({@code [T][B][width]}, as {@link BatchKernel}
 * passes them) and the column blocks {@link ColumnKernels} computes on ({@code [width][cols]} per step, one
 * sequence per column, columns past the chunk zero).
 */
public final class ColumnBlocks {
    private ColumnBlocks() {
    }

    /**
     * dst[dstOff + t dstStep + f cols + b] = src[srcOff + (t batch + b) width + f] for t < steps, f <
     * width, b < batch; 0 for the padding columns b in [batch, cols).
     */
    public static void toColumns(double[] src, int srcOff, int batch, int width, int steps, double[] dst, int dstOff, int dstStep,
            int cols) {
        for (int t = 0; t < steps; t++) {
            int s0 = srcOff + t * batch * width;
            int d0 = dstOff + t * dstStep;
            for (int f = 0; f < width; f++) {
                int d = d0 + f * cols;
                for (int b = 0; b < batch; b++) {
                    dst[d + b] = src[s0 + b * width + f];
                }
                for (int b = batch; b < cols; b++) {
                    dst[d + b] = 0.0;
                }
            }
        }
    }

    /** The inverse: dst[dstOff + (t batch + b) width + f] = src[srcOff + t srcStep + f cols + b]. */
    public static void fromColumns(double[] src, int srcOff, int srcStep, int cols, int batch, int width, int steps, double[] dst,
            int dstOff) {
        for (int t = 0; t < steps; t++) {
            int s0 = srcOff + t * srcStep;
            int d0 = dstOff + t * batch * width;
            for (int b = 0; b < batch; b++) {
                int d = d0 + b * width;
                for (int f = 0; f < width; f++) {
                    dst[d + f] = src[s0 + f * cols + b];
                }
            }
        }
    }

    /** dt[T][B] as [T][cols], padding columns 0. */
    public static void timeColumns(double[] dt, int batch, int steps, double[] dst, int cols) {
        for (int t = 0; t < steps; t++) {
            System.arraycopy(dt, t * batch, dst, t * cols, batch);
            java.util.Arrays.fill(dst, t * cols + batch, (t + 1) * cols, 0.0);
        }
    }

    /** dst[k][r] = src[srcOff + r ld + k] for r < rows, k < inner: a row-major [rows][inner] block transposed. */
    public static void transpose(double[] src, int srcOff, int ld, int rows, int inner, double[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < inner; k++) {
                dst[dstOff + k * rows + r] = src[srcOff + r * ld + k];
            }
        }
    }

    /**
     * Column blocks transposed step by step, one row of ld values per sequence: dst[t cols ld + j ld + k]
     * = src[srcOff + t srcStep + k cols + j] for t < steps, j < cols, k < rows (the xt of
     * {@link ColumnKernels#outer}; ld from {@link #rowStride}).
     */
    public static void transposeSteps(double[] src, int srcOff, int srcStep, int rows, int cols, int steps, double[] dst, int ld) {
        for (int t = 0; t < steps; t++) {
            int s0 = srcOff + t * srcStep;
            int d0 = t * cols * ld;
            for (int k = 0; k < rows; k++) {
                int s = s0 + k * cols;
                for (int j = 0; j < cols; j++) {
                    dst[d0 + j * ld + k] = src[s + j];
                }
            }
        }
    }

    /** Most extra values {@link #rowStride} adds. */
    public static final int ROW_PAD = 4;

    /**
     * The row length to store rows of n values at when a loop walks down a column of them: n, or n + 4
     * when n is a multiple of 32, whose 256-byte multiple strides would map a column onto a few L1 sets
     * (128 rows of 128 doubles fall into 4 of the 64 sets and evict each other).
     */
    public static int rowStride(int n) {
        return n % 32 == 0 ? n + ROW_PAD : n;
    }
}
