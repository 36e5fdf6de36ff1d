package dev.quantumliquid.engine.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.kernel.Kernels;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.model.BatchResult.Precision;
import java.util.List;
import java.util.Optional;

/**
 * A loaded quantum-liquid model: immutable, safe to share between threads. Runs whole batches
 * ({@link #predict}) or hands out streaming {@link Session}s that take one step at a time.
 */
public final class Model {
    /**
     * Fewest samples worth a padded lane group at the end of a worker's range; fewer run one by one. On
     * the LTC AutoNCP(28,4) fixture (AVX2, 8 lanes) a group step costs about 8.5 us and a streamed
     * sample step about 2.7 us, so from 4 samples on the group wins.
     */
    static final int LANE_TAIL_MIN = 4;

    private final ModelInfo info;
    private final List<Layer> layers;
    private final int[] stateOffsets; // [layers] start of each layer's state in the model state
    private final int stateSize;
    private final int cellSize;
    private final int maxWidth;
    private final int quantumLayers;

    public Model(ModelInfo info, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new EngineException(info.name() + ": a model needs at least one layer");
        }
        this.info = info;
        this.layers = List.copyOf(layers);
        this.stateOffsets = new int[layers.size()];
        int off = 0;
        int cells = 0;
        int width = info.inputFeatures();
        int q = 0;
        int prevOut = info.inputFeatures();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (l.inputSize() != prevOut) {
                throw new EngineException("model.json: layer " + i + " '" + l.name() + "' takes " + l.inputSize()
                        + " inputs but receives " + prevOut + (i == 0 ? " (input_features)" : " from layer " + (i - 1)));
            }
            prevOut = l.outputSize();
            stateOffsets[i] = off;
            off += l.stateSize();
            cells += l.cellSize();
            width = Math.max(width, l.outputSize());
            if (l.reportsCoherence()) {
                q++;
            }
        }
        if (prevOut != info.outputNames().size()) {
            throw new EngineException("model.json: the last layer gives " + prevOut + " outputs but output_names has "
                    + info.outputNames().size());
        }
        this.stateSize = off;
        this.cellSize = cells;
        this.maxWidth = width;
        this.quantumLayers = q;
    }

    public ModelInfo info() {
        return info;
    }

    public String name() {
        return info.name();
    }

    public List<Layer> layers() {
        return layers;
    }

    public int inputSize() {
        return info.inputFeatures();
    }

    public int outputSize() {
        return info.outputNames().size();
    }

    /** Floats of the whole model state (each recurrent layer's h, then its c for mixed memory, in layer order). */
    public int stateSize() {
        return stateSize;
    }

    /** Floats of the state that are mixed-memory cells. */
    public int cellSize() {
        return cellSize;
    }

    /** Floats of the state that are hidden states (stateSize - cellSize). */
    public int hiddenSize() {
        return stateSize - cellSize;
    }

    int stateOffset(int layer) {
        return stateOffsets[layer];
    }

    int maxWidth() {
        return maxWidth;
    }

    /** True when the model has a quantum circuit and so reports coherence. */
    public boolean hasCoherence() {
        return quantumLayers > 0;
    }

    int quantumLayers() {
        return quantumLayers;
    }

    public int qubits() {
        return layers.stream().mapToInt(Layer::qubits).sum();
    }

    public long parameterCount() {
        return layers.stream().mapToLong(Layer::parameterCount).sum();
    }

    public OpCounts opsPerStep() {
        OpCounts c = OpCounts.ZERO;
        for (Layer l : layers) {
            c = c.plus(l.opsPerStep());
        }
        return c;
    }

    /** Liquid sparsity over the wired liquid layers; empty ("not applicable") when there is none. */
    public Optional<SynapseCount> synapses() {
        SynapseCount s = null;
        for (Layer l : layers) {
            Optional<SynapseCount> c = l.synapses();
            if (c.isPresent()) {
                s = s == null ? c.get() : s.plus(c.get());
            }
        }
        return Optional.ofNullable(s);
    }

    /** A new streaming session starting from the zero state. */
    public Session newSession() {
        return new Session(this);
    }

    /** The model.json object this model was loaded from (a copy). */
    public ObjectNode json() {
        return info.json().deepCopy();
    }

    /** Splits a full state into its hidden and cell parts ([hiddenSize], [cellSize]). */
    public void splitState(float[] full, float[] hidden, float[] cell) {
        int h = 0;
        int c = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            int hs = l.stateSize() - l.cellSize();
            System.arraycopy(full, stateOffsets[i], hidden, h, hs);
            System.arraycopy(full, stateOffsets[i] + hs, cell, c, l.cellSize());
            h += hs;
            c += l.cellSize();
        }
    }

    /** Joins hidden and cell parts into a full state, the inverse of {@link #splitState}. */
    public void joinState(float[] hidden, float[] cell, float[] full) {
        int h = 0;
        int c = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            int hs = l.stateSize() - l.cellSize();
            System.arraycopy(hidden, h, full, stateOffsets[i], hs);
            System.arraycopy(cell, c, full, stateOffsets[i] + hs, l.cellSize());
            h += hs;
            c += l.cellSize();
        }
    }

    /** Runs a batch on the float32 fast path, samples spread over the available cores. */
    public BatchResult predict(BatchInput in) {
        return predict(in, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs a batch on the float32 fast path with at most {@code threads} threads. When every layer has a
     * lane mode, samples go in groups of {@link Kernels#LANES} (one vector lane each), else one by one.
     */
    public BatchResult predict(BatchInput in, int threads) {
        in.validate(this);
        int b = in.batch();
        BatchResult out = BatchResult.allocate(this, b, in.steps(), Precision.F32);
        boolean lanes = LaneBatch.supports(this);
        int unit = lanes ? Kernels.LANES : 1;
        int units = (b + unit - 1) / unit;
        int workers = Math.max(1, Math.min(threads, units));
        // Whole lane groups per worker; the caller works too, so one worker costs no thread at all.
        Thread[] helpers = new Thread[workers - 1];
        Throwable[] failures = new Throwable[workers];
        for (int w = 1; w < workers; w++) {
            int from = Math.min(b, (int) ((long) units * w / workers) * unit);
            int to = Math.min(b, (int) ((long) units * (w + 1) / workers) * unit);
            int slot = w;
            helpers[w - 1] = Thread.ofPlatform().name("qlnn-batch-" + w).daemon().start(() -> {
                try {
                    runRange(in, out, from, to, lanes);
                } catch (Throwable e) {
                    failures[slot] = e;
                }
            });
        }
        try {
            runRange(in, out, 0, Math.min(b, (int) ((long) units / workers) * unit), lanes);
        } catch (RuntimeException | Error e) {
            failures[0] = e;
        }
        try {
            for (Thread t : helpers) {
                t.join();
            }
        } catch (InterruptedException e) {
            for (Thread t : helpers) {
                t.interrupt();
            }
            Thread.currentThread().interrupt();
            throw new EngineException("batch interrupted", e);
        }
        for (Throwable f : failures) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new EngineException("batch failed: " + f, f);
            }
        }
        return out;
    }

    /** Samples [from, to): full lane groups, then the rest padded into one more group or one by one. */
    private void runRange(BatchInput in, BatchResult out, int from, int to, boolean lanes) {
        if (!lanes || from >= to) {
            runSamples(in, out, from, to);
            return;
        }
        LaneBatch group = new LaneBatch(this, Kernels.LANES);
        int i = from;
        for (; i + Kernels.LANES <= to; i += Kernels.LANES) {
            group.run(in, out, i, Kernels.LANES);
        }
        if (to - i >= LANE_TAIL_MIN) {
            group.run(in, out, i, to - i);
        } else {
            runSamples(in, out, i, to);
        }
    }

    private void runSamples(BatchInput in, BatchResult out, int from, int to) {
        if (from >= to) {
            return;
        }
        Session s = newSession();
        int t = in.steps();
        float[] y = new float[outputSize()];
        float[] h = new float[hiddenSize()];
        float[] c = new float[cellSize()];
        float[] full = new float[stateSize];
        for (int i = from; i < to; i++) {
            if (in.hasInitialState()) {
                in.initialState(i, h, c);
                joinState(h, c, full);
                s.importState(full);
            } else {
                s.reset();
            }
            for (int k = 0; k < t; k++) {
                float coh = s.step(in.x(i, k), in.dt(i, k), y);
                out.setStep(i, k, y, coh);
            }
            s.exportState(full);
            splitState(full, h, c);
            out.setFinal(i, h, c);
        }
    }

    /** Runs a batch on the float64 reference path (the spec written plainly), one thread. */
    public BatchResult predictReference(BatchInput in) {
        in.validate(this);
        int b = in.batch();
        int t = in.steps();
        BatchResult out = BatchResult.allocate(this, b, t, Precision.F64);
        double[] state = new double[stateSize];
        double[][] bufs = new double[layers.size() + 1][];
        bufs[0] = new double[inputSize()];
        for (int l = 0; l < layers.size(); l++) {
            bufs[l + 1] = new double[layers.get(l).outputSize()];
        }
        float[] h = new float[hiddenSize()];
        float[] c = new float[cellSize()];
        float[] full = new float[stateSize];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(state, 0.0);
            if (in.hasInitialState()) {
                in.initialState(i, h, c);
                joinState(h, c, full);
                for (int k = 0; k < stateSize; k++) {
                    state[k] = full[k];
                }
            }
            for (int k = 0; k < t; k++) {
                float[] x = in.x(i, k);
                for (int f = 0; f < x.length; f++) {
                    bufs[0][f] = x[f];
                }
                double dt = in.dt(i, k);
                double coh = 0;
                for (int l = 0; l < layers.size(); l++) {
                    double q = layers.get(l).stepReference(bufs[l], bufs[l + 1], state, stateOffsets[l], dt);
                    if (layers.get(l).reportsCoherence()) {
                        coh += q;
                    }
                }
                out.setStep(i, k, bufs[layers.size()], quantumLayers == 0 ? Double.NaN : coh / quantumLayers);
            }
            out.setFinal(i, state, this);
        }
        return out;
    }
}
