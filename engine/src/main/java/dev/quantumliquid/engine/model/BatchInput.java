package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.EngineException;

/**
 * A batch of sequences: x[B][T][F], optional time spans dt[B][T] (default 1.0), optional initial
 * hidden state [B][hiddenSize] and cell [B][cellSize] (default zeros). Checked against the model
 * before anything runs; errors name the field, the sample and step, the limit and the value.
 */
public final class BatchInput {
    private final float[][][] x;
    private float[][] dt;           // [B][T] or absent
    private float[][] initialState; // [B][hidden] or absent
    private float[][] initialCell;  // [B][cell] or absent

    private BatchInput(float[][][] x) {
        this.x = x;
    }

    public static BatchInput of(float[][][] x) {
        return new BatchInput(x);
    }

    public BatchInput timespans(float[][] timespans) {
        this.dt = timespans;
        return this;
    }

    public BatchInput initialState(float[][] hidden) {
        this.initialState = hidden;
        return this;
    }

    public BatchInput initialCell(float[][] cell) {
        this.initialCell = cell;
        return this;
    }

    public int batch() {
        return x.length;
    }

    public int steps() {
        return x.length == 0 ? 0 : x[0].length;
    }

    float[] x(int b, int t) {
        return x[b][t];
    }

    float dt(int b, int t) {
        return dt == null ? 1f : dt[b][t];
    }

    boolean hasInitialState() {
        return initialState != null || initialCell != null;
    }

    void initialState(int b, float[] hidden, float[] cell) {
        if (initialState != null) {
            System.arraycopy(initialState[b], 0, hidden, 0, hidden.length);
        } else {
            java.util.Arrays.fill(hidden, 0f);
        }
        if (initialCell != null) {
            System.arraycopy(initialCell[b], 0, cell, 0, cell.length);
        } else {
            java.util.Arrays.fill(cell, 0f);
        }
    }

    void validate(Model m) {
        if (x.length == 0) {
            throw new EngineException("input: batch is empty");
        }
        int t = x[0].length;
        if (t == 0) {
            throw new EngineException("input: sequence length is 0 (need at least one step)");
        }
        for (int b = 0; b < x.length; b++) {
            if (x[b].length != t) {
                throw new EngineException("input: sample " + b + " has " + x[b].length + " steps, sample 0 has " + t);
            }
            for (int k = 0; k < t; k++) {
                float[] v = x[b][k];
                if (v.length != m.inputSize()) {
                    throw new EngineException("input: sample " + b + " step " + k + " has " + v.length
                            + " features, the model takes " + m.inputSize());
                }
                for (int f = 0; f < v.length; f++) {
                    if (!Float.isFinite(v[f])) {
                        throw new EngineException("input: sample " + b + " step " + k + " feature " + f + " is " + v[f]
                                + " (must be finite)");
                    }
                }
            }
        }
        if (dt != null) {
            if (dt.length != x.length) {
                throw new EngineException("timespans: " + dt.length + " rows, input has " + x.length + " samples");
            }
            for (int b = 0; b < dt.length; b++) {
                if (dt[b].length != t) {
                    throw new EngineException("timespans: sample " + b + " has " + dt[b].length + " steps, input has " + t);
                }
                for (int k = 0; k < t; k++) {
                    if (!(dt[b][k] > 0f) || !Float.isFinite(dt[b][k])) {
                        throw new EngineException("timespans: sample " + b + " step " + k + " is " + dt[b][k]
                                + " (must be positive and finite)");
                    }
                }
            }
        }
        checkState("initial_state", initialState, m.hiddenSize());
        checkState("initial_cell", initialCell, m.cellSize());
    }

    private void checkState(String field, float[][] s, int width) {
        if (s == null) {
            return;
        }
        if (width == 0) {
            throw new EngineException(field + ": the model has no " + (field.endsWith("cell") ? "mixed-memory cell" : "recurrent state"));
        }
        if (s.length != x.length) {
            throw new EngineException(field + ": " + s.length + " rows, input has " + x.length + " samples");
        }
        for (int b = 0; b < s.length; b++) {
            if (s[b].length != width) {
                throw new EngineException(field + ": sample " + b + " has " + s[b].length + " values, the model's is " + width);
            }
            for (int i = 0; i < width; i++) {
                if (!Float.isFinite(s[b][i])) {
                    throw new EngineException(field + ": sample " + b + " value " + i + " is " + s[b][i] + " (must be finite)");
                }
            }
        }
    }
}
