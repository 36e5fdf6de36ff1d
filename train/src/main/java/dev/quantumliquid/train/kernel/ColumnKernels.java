package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.layer.Activation;

/**
 * The numeric primitives the hand-written {@link BatchKernel}s are built of, on column blocks: a block
 * of r rows holds one value per row for each of {@code cols} sequences of a chunk, row after row
 * ({@code [rows][cols]}, one sequence per column), so a step of a layer is a matrix-matrix product and
 * every elementwise operation runs along the chunk. {@code cols} is always a multiple of
 * {@link #lanes()} (kernels pad the chunk with zero sequences).
 *
 * <p>{@link ScalarColumnKernels} is the reference, {@link VectorColumnKernels} the Vector API twin (FMA, register-blocked);
 * they give the same bits (the tests hold them to it), and so does each whether the JIT has compiled
 * it or not, which keeps training bit-reproducible. Implementations are stateless and shared.
 */
public interface ColumnKernels {
    /** The scalar reference. */
    ColumnKernels SCALAR = new ScalarColumnKernels();
    /** The vectorised twin (the one training uses). */
    ColumnKernels VECTOR = new VectorColumnKernels();

    /** Column counts are multiples of this. */
    int lanes();

    /** The padded column count for a chunk of {@code batch} sequences. */
    default int columns(int batch) {
        int l = lanes();
        return (batch + l - 1) / l * l;
    }

    /**
     * c[r][j] = bias[biasOff + r] + sum_{i < inner} a[aOff + r lda + i] x[xOff + i cols + j] for r < rows
     * and j < cols (no bias term when bias is null). x and c are column blocks ({@code [inner][cols]} and
     * {@code [rows][cols]}), a is row-major.
     */
    void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff);

    /**
     * The weight gradient of {@link #mul} summed over steps: w[wOff + r ldw + k] += sum_{t < steps}
     * sum_{j < cols} dz[dzOff + t dzStep + r cols + j] xt[xtOff + t xtStep + j ldx + k] for r < rows and
     * k < inner, where dz holds column blocks and xt the inputs transposed, one row per sequence
     * ({@code [cols][ldx]} per step, see {@link ColumnBlocks#transpose}).
     */
    void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps, int cols,
            double[] w, int wOff, int ldw);

    /** The bias gradient: b[bOff + r] += sum_{t < steps} sum_{j < cols} dz[dzOff + t dzStep + r cols + j]. */
    void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff);

    /** In place over n values: a = f(a), d = f'(a) (the derivative at the input), as the tape computes them. */
    void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff);

    /** y[yOff + i] *= d[dOff + i] for i < n. */
    void multiply(double[] y, int yOff, double[] d, int dOff, int n);

    /** y[yOff + i] += d[dOff + i] for i < n. */
    void add(double[] y, int yOff, double[] d, int dOff, int n);

    /**
     * The ncps CfC gate of mode default (or no_gate) on heads = [ff1; ff2; time_a; time_b] ({@code [4
     * units][cols]}): f1 = tanh ff1, f2 = tanh ff2, g = sigmoid(time_a dt + time_b), h = f1 (1 - g) + g f2
     * (no_gate: f1 + g f2). Writes h ({@code [units][cols]}) at out and keeps [f1; f2; g] at s for
     * {@link #gateBackward}. dt holds one time span per column.
     */
    void gate(boolean noGate, double[] heads, int hOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] out, int outOff);

    /** dL/d heads ({@code [4 units][cols]} at dHeads) from dL/dh at dh and the [f1; f2; g] kept by {@link #gate}. */
    void gateBackward(boolean noGate, double[] dh, int dhOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] dHeads, int dOff);
}
