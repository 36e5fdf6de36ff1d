package dev.quantumliquid.engine.quantum;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.kernel.GateKernels;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import java.util.List;

/** The {@code pqc} layer: a parameterised quantum circuit simulated exactly (spec section 4). */
public final class PqcLayer implements Layer {
    /** Most qubits simulated: the statevector holds 2^n amplitudes per step. */
    public static final int MAX_QUBITS = 12;
    /** Most qubits with dephasing: the density matrix holds 4^n entries per step. */
    public static final int MAX_DEPHASING_QUBITS = 8;
    /** Most circuit layers (each costs n gate passes over the state). */
    public static final int MAX_CIRCUIT_LAYERS = 64;

    private final String name;
    private final int inputs;
    private final int n;
    private final int layers;
    private final double dephasing;
    private final Tensor weightT;
    private final Tensor biasT;
    private final Tensor rotationsT;
    private final PqcReference reference;
    private final PqcCircuit circuit;

    private PqcLayer(String name, int inputs, int n, int layers, double dephasing, Tensor weight, Tensor bias,
            Tensor rotations, GateKernels kernels) {
        this.name = name;
        this.inputs = inputs;
        this.n = n;
        this.layers = layers;
        this.dephasing = dephasing;
        this.weightT = weight;
        this.biasT = bias;
        this.rotationsT = rotations;
        double[] w = weight.toDoubleArray();
        double[] b = bias.toDoubleArray();
        double[] rot = rotations.toDoubleArray();
        this.reference = new PqcReference(n, inputs, layers, dephasing, w, b, rot);
        this.circuit = new PqcCircuit(n, inputs, layers, dephasing, w, b, rot, kernels);
    }

    public static Layer create(LayerSource src) {
        return create(src, GateKernels.preferred());
    }

    static PqcLayer create(LayerSource src, GateKernels kernels) {
        String where = src.where();
        int inputs = Json.requireInt(src.json(), "input_size", where, 1, Layer.MAX_FEATURES);
        int n = Json.requireInt(src.json(), "n_qubits", where, 1, Integer.MAX_VALUE);
        if (n > MAX_QUBITS) {
            throw new EngineException(where + ": field 'n_qubits' is " + n + ", more than the limit of " + MAX_QUBITS
                    + " qubits for exact simulation (2^n amplitudes per step)");
        }
        int layers = Json.requireInt(src.json(), "layers", where, 1, MAX_CIRCUIT_LAYERS);
        Json.optChoice(src.json(), "encoding", where, "qlstm_angle", "qlstm_angle");
        Json.optChoice(src.json(), "entangler", where, "cnot_ring", "cnot_ring");
        Json.optChoice(src.json(), "readout", where, "pauli_z", "pauli_z");
        double p = Json.optDouble(src.json(), "dephasing", where, -Double.MAX_VALUE, Double.MAX_VALUE, 0.0);
        if (!(p >= 0 && p < 1)) {
            throw new EngineException(where + ": field 'dephasing' must be in [0, 1), got " + p);
        }
        if (p > 0 && n > MAX_DEPHASING_QUBITS) {
            throw new EngineException(where + ": dephasing needs the exact density matrix, limited to "
                    + MAX_DEPHASING_QUBITS + " qubits; field 'n_qubits' is " + n + " with dephasing " + p);
        }
        return new PqcLayer(src.name(), inputs, n, layers, p, src.tensor("input_proj.weight", n, inputs),
                src.tensor("input_proj.bias", n), src.tensor("rotations", layers, n, 3), kernels);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerKind kind() {
        return LayerKind.PQC;
    }

    @Override
    public int inputSize() {
        return inputs;
    }

    @Override
    public int outputSize() {
        return n;
    }

    @Override
    public int stateSize() {
        return 0;
    }

    @Override
    public boolean reportsCoherence() {
        return true;
    }

    @Override
    public int qubits() {
        return n;
    }

    double dephasing() {
        return dephasing;
    }

    @Override
    public Workspace newWorkspace() {
        return circuit.newWorkspace();
    }

    @Override
    public float step(float[] x, float[] y, float[] state, int stateOffset, float dt, Workspace ws) {
        return (float) circuit.step(x, y, (PqcCircuit.Ws) ws);
    }

    @Override
    public void writeC(CSource c) {
        circuit.writeC(c);
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
        return reference.step(x, y);
    }

    /**
     * Counts what {@link #step} evaluates, with D = 2^n amplitudes, E = D^2 density-matrix entries,
     * F inputs and L circuit layers. Rules: an amplitude update is a complex amplitude (or
     * density-matrix entry) computed by arithmetic, each amplitude a gate application writes counting
     * once; the CNOT ring only moves amplitudes (a permutation) and counts 0. An accumulation or
     * product of reals counts one MAC, |a|^2 counts 2. A square root counts as a division (on
     * Cortex-M4F VSQRT and VDIV take the same 14 cycles). The fused Rot matrices and their sin/cos
     * are computed at load, not per step.
     * <ul>
     * <li>projection n*F MACs, u^2 n MACs; atan(u), atan(u^2) and sin/cos of both half-angles: 6n
     *     transcendentals; each wire's encoded 2-vector: 2n updates; their tensor product 2D - 4;</li>
     * <li>pure state: L*n*D updates (one fused Rot per wire and layer); readout |a|^2 2D MACs, the
     *     halving sums 2(D-1) and n for &lt;Z_q&gt;; coherence sum of |a| 3D MACs and D roots, then 1 MAC
     *     and 1 division;</li>
     * <li>density matrix: |psi&gt;&lt;psi| E updates; per layer 2nE for the gates (rows, then columns)
     *     and E - D for the dephasing of the off-diagonal entries; readout 2(D-1) + n MACs from the
     *     diagonal; coherence over the m = D(D-1)/2 entries above the diagonal (Hermitian) 3m MACs and
     *     m roots, then 1 MAC and 1 division.</li>
     * </ul>
     */
    @Override
    public OpCounts opsPerStep() {
        long d = 1L << n;
        long macs = (long) n * inputs + n + 2 * (d - 1) + n;
        long transcendentals = 6L * n;
        long updates = 2L * n + 2 * d - 4;
        long divisions;
        if (dephasing > 0) {
            long e = d * d;
            long m = d * (d - 1) / 2;
            macs += 3 * m + 1;
            divisions = m + 1;
            updates += e + (long) layers * (2L * n * e + e - d);
        } else {
            macs += 2 * d + 3 * d + 1;
            divisions = d + 1;
            updates += (long) layers * n * d;
        }
        return new OpCounts(macs, transcendentals, divisions, updates);
    }

    @Override
    public long parameterCount() {
        return (long) n * inputs + n + (long) layers * n * 3;
    }

    @Override
    public List<Tensor> tensors() {
        return List.of(rename(weightT, "input_proj.weight"), rename(biasT, "input_proj.bias"),
                rename(rotationsT, "rotations"));
    }

    private static Tensor rename(Tensor t, String name) {
        return new Tensor(name, t.dtype(), t.shape(), t.toDoubleArray());
    }
}
