package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.layer.Layer;
import java.util.Optional;

/**
 * Outputs of a batch: output[B][T][O], final hidden state [B][hiddenSize], final cell [B][cellSize]
 * (mixed memory only) and, for quantum models, coherence[B][T]. Values are doubles for both paths;
 * {@link #precision()} says which path made them.
 */
public final class BatchResult {
    /** Which arithmetic computed a result. */
    public enum Precision { F32, F64 }

    private final Precision precision;
    private final double[][][] output;
    private final double[][] finalState;
    private final double[][] finalCell;
    private final double[][] coherence; // null when the model has no quantum layer

    private BatchResult(Precision p, double[][][] output, double[][] finalState, double[][] finalCell,
            double[][] coherence) {
        this.precision = p;
        this.output = output;
        this.finalState = finalState;
        this.finalCell = finalCell;
        this.coherence = coherence;
    }

    static BatchResult allocate(Model m, int b, int t, Precision p) {
        return new BatchResult(p, new double[b][t][m.outputSize()], new double[b][m.hiddenSize()],
                new double[b][m.cellSize()], m.hasCoherence() ? new double[b][t] : null);
    }

    void setStep(int b, int t, float[] y, float coh) {
        double[] o = output[b][t];
        for (int i = 0; i < o.length; i++) {
            o[i] = y[i];
        }
        if (coherence != null) {
            coherence[b][t] = coh;
        }
    }

    /** Sample b's step t from lane {@code lane} of a lane-major y [outputs][lanes]. */
    void setStepLane(int b, int t, float[] y, int lane, int lanes) {
        double[] o = output[b][t];
        for (int i = 0; i < o.length; i++) {
            o[i] = y[i * lanes + lane];
        }
    }

    void setStep(int b, int t, double[] y, double coh) {
        System.arraycopy(y, 0, output[b][t], 0, output[b][t].length);
        if (coherence != null) {
            coherence[b][t] = coh;
        }
    }

    void setFinal(int b, float[] hidden, float[] cell) {
        for (int i = 0; i < hidden.length; i++) {
            finalState[b][i] = hidden[i];
        }
        for (int i = 0; i < cell.length; i++) {
            finalCell[b][i] = cell[i];
        }
    }

    void setFinal(int b, double[] fullState, Model m) {
        int h = 0;
        int c = 0;
        for (int l = 0; l < m.layers().size(); l++) {
            Layer layer = m.layers().get(l);
            int off = m.stateOffset(l);
            int hs = layer.stateSize() - layer.cellSize();
            System.arraycopy(fullState, off, finalState[b], h, hs);
            System.arraycopy(fullState, off + hs, finalCell[b], c, layer.cellSize());
            h += hs;
            c += layer.cellSize();
        }
    }

    public Precision precision() {
        return precision;
    }

    public double[][][] output() {
        return output;
    }

    public double[][] finalState() {
        return finalState;
    }

    /** Final mixed-memory cells; an array of empty rows when the model has none. */
    public double[][] finalCell() {
        return finalCell;
    }

    public Optional<double[][]> coherence() {
        return Optional.ofNullable(coherence);
    }
}
