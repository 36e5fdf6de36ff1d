package dev.quantumliquid.train.batch;

import dev.quantumliquid.train.data.Windows;

/**
 * The loss of a chunk's outputs and its seed dL/dy for the backward sweep: what {@link ModelBatch}
 * plugs in after the last layer. Implementations are immutable and shared between threads.
 */
public interface Loss {
    /**
     * The summed loss of the outputs y [T][n][outputs] (time-major, as the kernels write them) of the
     * windows idx[from..from+n) of data; when dy is not null, writes dL/dy into it (same layout,
     * every entry).
     */
    double seed(double[] y, int steps, int n, Windows data, int[] idx, int from, double[] dy);

    /** The number of loss terms one window of {@code steps} steps contributes (the trainer divides by it). */
    double termsPerWindow(int steps);
}
