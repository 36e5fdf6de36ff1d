package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.Arrays;

/**
 * Runs groups of up to {@code lanes} samples of a batch through a model whose layers all support lane
 * mode ({@link Layer#stepLanes}): every buffer is lane-major, so one vector op advances every sample of
 * the group. One per batch worker; all memory is allocated here, so {@link #run} does not allocate.
 * Lanes past the group's samples are padding (zero input and state, dt 1) whose results are dropped.
 */
final class LaneBatch {
    private final Model model;
    private final Layer[] layers;
    private final int lanes;
    private final int[] offsets;        // [layers] start of each layer's state in the lane state (times lanes)
    private final Workspace[] workspaces;
    private final float[][] buffers;    // [layers+1][width*lanes]: buffers[l] is layer l's input
    private final float[] state;        // [stateSize][lanes]
    private final float[] dt;           // [lanes]
    private final float[] full;         // [stateSize] one sample's state
    private final float[] hidden;       // [hiddenSize]
    private final float[] cell;         // [cellSize]

    LaneBatch(Model model, int lanes) {
        this.model = model;
        this.layers = model.layers().toArray(new Layer[0]);
        this.lanes = lanes;
        this.offsets = new int[layers.length];
        this.workspaces = new Workspace[layers.length];
        this.buffers = new float[layers.length + 1][];
        buffers[0] = new float[model.inputSize() * lanes];
        for (int i = 0; i < layers.length; i++) {
            offsets[i] = model.stateOffset(i) * lanes;
            workspaces[i] = layers[i].newLaneWorkspace(lanes);
            buffers[i + 1] = new float[layers[i].outputSize() * lanes];
        }
        this.state = new float[model.stateSize() * lanes];
        this.dt = new float[lanes];
        this.full = new float[model.stateSize()];
        this.hidden = new float[model.hiddenSize()];
        this.cell = new float[model.cellSize()];
    }

    static boolean supports(Model m) {
        return m.layers().stream().allMatch(Layer::supportsLanes);
    }

    /** Samples [from, from+count) of the batch, count in [1, lanes]: all steps, outputs and final state. */
    void run(BatchInput in, BatchResult out, int from, int count) {
        int f = model.inputSize();
        int ss = model.stateSize();
        float[] x = buffers[0];
        float[] y = buffers[layers.length];
        Arrays.fill(state, 0f);
        Arrays.fill(x, 0f);
        Arrays.fill(dt, 1f);
        if (in.hasInitialState()) {
            for (int l = 0; l < count; l++) {
                in.initialState(from + l, hidden, cell);
                model.joinState(hidden, cell, full);
                for (int i = 0; i < ss; i++) {
                    state[i * lanes + l] = full[i];
                }
            }
        }
        for (int k = 0, t = in.steps(); k < t; k++) {
            for (int l = 0; l < count; l++) {
                float[] xs = in.x(from + l, k);
                for (int i = 0; i < f; i++) {
                    x[i * lanes + l] = xs[i];
                }
                dt[l] = in.dt(from + l, k);
            }
            for (int i = 0; i < layers.length; i++) {
                layers[i].stepLanes(buffers[i], buffers[i + 1], state, offsets[i], dt, lanes, workspaces[i]);
            }
            for (int l = 0; l < count; l++) {
                out.setStepLane(from + l, k, y, l, lanes);
            }
        }
        for (int l = 0; l < count; l++) {
            for (int i = 0; i < ss; i++) {
                full[i] = state[i * lanes + l];
            }
            model.splitState(full, hidden, cell);
            out.setFinal(from + l, hidden, cell);
        }
    }
}
