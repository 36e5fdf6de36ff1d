package dev.quantumliquid.engine.layer;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.format.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * One layer of a loaded model. Implementations are immutable and shared between threads; all
 * mutable per-sequence memory lives in the caller's state array and the {@link Workspace}.
 */
public interface Layer {
    /** The layer's name in model.json. */
    String name();

    /** Most features a layer takes or gives (inputs, outputs, scale size). */
    int MAX_FEATURES = 65536;

    /** Which kind of layer this is. */
    LayerKind kind();

    /** The layer's type in model.json: ncps, pqc, dense or scale. */
    default String type() {
        return kind().type();
    }

    int inputSize();

    int outputSize();

    /** Floats of recurrent state this layer carries across steps; 0 for feed-forward layers. */
    int stateSize();

    /** Of {@link #stateSize()}, how many trailing floats are a mixed-memory cell c (0 when none). */
    default int cellSize() {
        return 0;
    }

    /** True for a layer that reports a coherence value each step (the quantum circuit). */
    default boolean reportsCoherence() {
        return false;
    }

    /** Per-session scratch memory; allocated once per session, reused by every step. */
    Workspace newWorkspace();

    /**
     * float32 fast path for one step: reads x[0..inputSize), writes y[0..outputSize), updates
     * state[stateOffset .. stateOffset+stateSize) in place. Returns this step's coherence, or NaN
     * for a layer without one. Must not allocate.
     */
    float step(float[] x, float[] y, float[] state, int stateOffset, float dt, Workspace ws);

    /**
     * True when {@link #stepLanes} is implemented, so a batch can run many samples per call. Lane mode
     * gives no coherence, so a layer that reports one answers false.
     */
    default boolean supportsLanes() {
        return false;
    }

    /** Scratch memory for {@link #stepLanes} with {@code lanes} samples; allocated once per batch worker. */
    default Workspace newLaneWorkspace(int lanes) {
        throw new UnsupportedOperationException(type() + " layer '" + name() + "' has no lane mode");
    }

    /**
     * float32 step of {@code lanes} samples at once (lanes a multiple of {@code Kernels.LANES}), all
     * buffers lane-major: x [inputSize][lanes], y [outputSize][lanes], the layer's state
     * state[stateOffset ..] as [stateSize][lanes] (stateOffset already counts lanes), dt [lanes]. Same
     * arithmetic per sample as {@link #step}. Must not allocate.
     */
    default void stepLanes(float[] x, float[] y, float[] state, int stateOffset, float[] dt, int lanes, Workspace ws) {
        throw new UnsupportedOperationException(type() + " layer '" + name() + "' has no lane mode");
    }

    /** float64 reference path with the same semantics (the spec, written plainly; may allocate). */
    double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt);

    /** Operations an edge implementation performs for one step of this layer (spec section 6). */
    OpCounts opsPerStep();

    /** Number of stored parameters that take part in the computation (masks excluded). */
    long parameterCount();

    /** The layer's tensors under their names relative to the layer prefix, for writing the model back. */
    List<Tensor> tensors();

    /** Synapse counts of a wired liquid layer (for liquid sparsity); empty for every other layer. */
    default Optional<SynapseCount> synapses() {
        return Optional.empty();
    }

    /** The pruning view of a wired liquid layer; empty for every other layer. */
    default Optional<Prunable> prunable() {
        return Optional.empty();
    }

    /** Qubits simulated by this layer (0 for classical layers). */
    default int qubits() {
        return 0;
    }

    /**
     * Writes this layer's float32 step as C into {@code c} (between its beginLayer and endLayer): the
     * constants it reads, its scratch buffers and the statements of its step, computing what
     * {@link #step} computes. A layer that has no C form refuses with a one-line reason.
     */
    default void writeC(CSource c) {
        throw new EngineException(type() + " layer '" + name() + "' has no C export");
    }
}
