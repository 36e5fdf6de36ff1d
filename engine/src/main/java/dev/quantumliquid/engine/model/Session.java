package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.Arrays;

/**
 * A streaming sequence over one model: one step per call, state carried between calls. Not
 * thread-safe; one per sequence. All memory is allocated here once, so {@link #step} does not allocate.
 */
public final class Session {
    private final Model model;
    private final Layer[] layers;
    private final int[] offsets;
    private final Workspace[] workspaces;
    private final float[] state;    // [model.stateSize()]
    private final float[][] buffers; // [layers+1][width]: buffers[l] is layer l's input
    private final int quantum;
    private long steps;

    Session(Model model) {
        this.model = model;
        this.layers = model.layers().toArray(new Layer[0]);
        this.offsets = new int[layers.length];
        this.workspaces = new Workspace[layers.length];
        this.buffers = new float[layers.length + 1][];
        buffers[0] = new float[model.inputSize()];
        for (int i = 0; i < layers.length; i++) {
            offsets[i] = model.stateOffset(i);
            workspaces[i] = layers[i].newWorkspace();
            buffers[i + 1] = new float[layers[i].outputSize()];
        }
        this.state = new float[model.stateSize()];
        this.quantum = model.quantumLayers();
    }

    public Model model() {
        return model;
    }

    /**
     * Advances one step: x[inputSize] with time span dt into y[outputSize]. Returns the step's
     * coherence (mean over the quantum layers), or NaN when the model has no quantum layer.
     */
    public float step(float[] x, float dt, float[] y) {
        if (x.length != model.inputSize() || y.length < model.outputSize()) {
            throw new EngineException("step: input has " + x.length + " features and output room for " + y.length
                    + ", the model takes " + model.inputSize() + " and gives " + model.outputSize());
        }
        System.arraycopy(x, 0, buffers[0], 0, x.length);
        float coh = 0f;
        for (int i = 0; i < layers.length; i++) {
            float q = layers[i].step(buffers[i], buffers[i + 1], state, offsets[i], dt, workspaces[i]);
            if (quantum > 0 && layers[i].reportsCoherence()) {
                coh += q;
            }
        }
        System.arraycopy(buffers[layers.length], 0, y, 0, model.outputSize());
        steps++;
        return quantum == 0 ? Float.NaN : coh / quantum;
    }

    /** Steps taken since creation or the last reset/import. */
    public long steps() {
        return steps;
    }

    /** Copies the full state ([stateSize]) out. */
    public void exportState(float[] dst) {
        System.arraycopy(state, 0, dst, 0, state.length);
    }

    public float[] exportState() {
        return state.clone();
    }

    /** Replaces the full state; refuses a wrong length or a non-finite value. */
    public void importState(float[] src) {
        if (src.length != state.length) {
            throw new EngineException("state: expected " + state.length + " floats, got " + src.length);
        }
        for (int i = 0; i < src.length; i++) {
            if (!Float.isFinite(src[i])) {
                throw new EngineException("state: value " + i + " is " + src[i] + " (must be finite)");
            }
        }
        System.arraycopy(src, 0, state, 0, src.length);
        steps = 0;
    }

    public void reset() {
        Arrays.fill(state, 0f);
        steps = 0;
    }
}
