package dev.quantumliquid.engine.kernel;

/**
 * The float32 numeric kernels, in two twins: {@link ScalarKernels} (plain loops, the reference) and
 * {@link VectorKernels} (Vector API). Tests hold them to each other; the bench module times both.
 * Matrices are row-major [rows][cols] flattened unless packed ({@link PackedMatrix}, {@link SparseMatrix},
 * {@link SynapseList}). No kernel allocates.
 */
public interface Kernels {
    Kernels SCALAR = new ScalarKernels();
    Kernels VECTOR = new VectorKernels();
    /** Samples per lane group of the lane-major (across-sample) kernels: one float vector. */
    int LANES = PackedMatrix.LANES;

    /** y[r] = bias[r] + sum_c w[r*cols + c] * x[xOff + c], for r in [0, rows). */
    void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff);

    /** dot product of a[aOff..aOff+n) and b[bOff..bOff+n). */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * y[yOff + r] = bias[r] + W[r] . x[xOff .. xOff+cols) for r in [0, m.rows()), then zeros up to
     * m.paddedRows(): y needs room for m.paddedRows() floats from yOff.
     */
    void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@link #matVec(PackedMatrix, float[], int, float[], int)} followed by y = outer * tanh(inner * y) on
     * every written float (tanh: 1, 1; lecun_tanh: 0.666, 1.7159), fused so the activation overlaps the
     * weight stream.
     */
    void matVecTanh(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, float inner, float outer);

    /**
     * The four CfC heads over z[zOff .. zOff+cols) and the gate, fused: with ff1, ff2, ta, tb the heads'
     * pre-activations, h[hOff + i] as {@link #cfcGate}. scratch needs {@link PackedHeads#scratchSize()} floats.
     */
    void cfcHeads(PackedHeads m, float[] z, int zOff, float dt, boolean noGate, float[] scratch, float[] h, int hOff);

    /** y[yOff + r] = bias[r] + sum over the kept entries of row r of w[r][c] * x[xOff + c]. */
    void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff);

    /**
     * Liquid synaptic currents: for each synapse s, a_s = weight_s * sigmoid(sigma_s * (v[pre_s] - mu_s));
     * then for each postsynaptic neuron j, num[j] = sum of a_s * erev_s and den[j] = sum of a_s over its
     * synapses. scratch needs {@link SynapseList#scratchSize()} floats.
     */
    void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den);

    /**
     * {@link #synapseCurrents} for {@code lanes} samples at once, lane-major (structure of arrays):
     * v is [pres][lanes], num and den are [posts][lanes]. lanes must be a multiple of {@link #LANES}.
     */
    void synapseCurrentsLanes(SynapseList s, float[] v, float[] num, float[] den, int lanes);

    /**
     * A row-major [rows][cols] matrix times {@code lanes} samples at once: y[r][l] = bias[r] +
     * sum_c w[r*cols + c] * x[c][l]; x is [cols][lanes], y is [rows][lanes]; lanes a multiple of {@link #LANES}.
     */
    void matVecLanes(float[] w, float[] bias, float[] x, int rows, int cols, float[] y, int lanes);

    /**
     * One LTC voltage update, j in [0, n): v[j] = (cmt[j]*v[j] + numBase[j] + num[j]) / (denBase[j] + den[j]).
     */
    void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n);

    /**
     * {@link #ltcUpdate} for {@code lanes} samples at once, every array [n][lanes] lane-major. Each lane
     * gets bit for bit what {@link #ltcUpdate} of the same implementation gives that sample alone.
     */
    void ltcUpdateLanes(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n,
            int lanes);

    /** a[i] = outer * tanh(inner * a[i]) in place, i in [off, off+n) (tanh: 1, 1; lecun_tanh: 0.666, 1.7159). */
    void tanh(float[] a, int off, int n, float inner, float outer);

    /** a[i] = a[i] * sigmoid(a[i]) in place (SiLU); scratch needs n floats. */
    void silu(float[] a, int off, int n, float[] scratch);

    /** a[i] = max(a[i], 0) in place. */
    void relu(float[] a, int off, int n);

    /**
     * The CfC gate over heads = [ff1 | ff2 | ta | tb] (n each, from 0): g = sigmoid(ta*dt + tb),
     * h[hOff+i] = tanh(ff1)*(1-g) + g*tanh(ff2), or with noGate tanh(ff1) + g*tanh(ff2). heads is scratch: it may
     * be overwritten.
     */
    void cfcGate(float[] heads, int n, float dt, boolean noGate, float[] h, int hOff);

    /** The pure CfC solution: h[hOff+i] = -a[i] * exp(-dt * (absTau[i] + |ff1[i]|)) * ff1[i] + a[i]. */
    void cfcPure(float[] ff1, float[] absTau, float[] a, int n, float dt, float[] h, int hOff);

    /**
     * The mixed-memory (LSTM) cell over z = [i | ig | fg | og] (n each, from 0):
     * c' = c*sigmoid(fg + 1) + tanh(i)*sigmoid(ig) written to c[cOff..], h = tanh(c')*sigmoid(og) to h[hOff..].
     * z is scratch: it may be overwritten.
     */
    void lstmGates(float[] z, int n, float[] c, int cOff, float[] h, int hOff);

    /** The kernels the engine uses: the vectorised ones unless -Dqlnn.kernels=scalar. */
    static Kernels preferred() {
        return "scalar".equals(System.getProperty("qlnn.kernels")) ? SCALAR : VECTOR;
    }
}
