package dev.quantumliquid.train.kernel;

/**
 * One layer's forward and backward pass through time over a chunk of sequences at once, in float64,
 * computing exactly what the layer's {@link dev.quantumliquid.train.layers.TrainableLayer} computes on the
 * {@link dev.quantumliquid.train.grad.Tape} (the tape stays the reference the gradient checks compare
 * against). Every sequence starts from a zero state.
 *
 * <p>Layouts are flat row-major, time-major: {@code x[T][B][in]}, {@code dt[T][B]},
 * {@code y[T][B][out]}, so one step of the whole chunk is contiguous. A kernel object is immutable and
 * shared; the mutable memory of one pass (activations kept for the backward sweep) lives in a
 * {@link Scratch} made by {@link #scratch} and owned by one thread, reused from chunk to chunk so the
 * training loop does not allocate.
 */
public interface BatchKernel {
    /** Per-thread memory for chunks of at most {@code batch} sequences of at most {@code steps} steps. */
    Scratch scratch(int batch, int steps);

    /**
     * Forward pass: reads x and dt, writes y, keeps in s what {@link #backward} needs.
     *
     * @param params the layer's parameters in {@code TrainableLayer.params()} order
     */
    void forward(double[] params, Scratch s, int batch, int steps, double[] x, double[] dt, double[] y);

    /**
     * Backward pass of the last {@link #forward} on s: given dy = dL/dy [T][B][out] (the kernel may
     * overwrite it), adds dL/dparams into grad (same order as params) and, when dx is not null, writes
     * dL/dx [T][B][in] into dx (overwriting it).
     */
    void backward(double[] params, Scratch s, int batch, int steps, double[] dy, double[] dx, double[] grad);

    /**
     * Whether the following forward passes on s are training passes, and the {@link Dropout} key of their
     * masks. Evaluation (the default of a fresh scratch) applies no dropout; layers without dropout ignore this.
     */
    default void training(Scratch s, boolean training, long key) {
    }

    /** Marker for a kernel's per-thread memory. */
    interface Scratch {
    }
}
