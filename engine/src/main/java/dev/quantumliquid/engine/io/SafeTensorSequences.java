package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch as safetensors: {@code input} [B,T,F], optional {@code timespans} [B,T],
 * {@code initial_state} [B,H], {@code initial_cell} [B,C]; other tensors (such as the expected
 * outputs of a fixture) are ignored. The result is written as F64 tensors.
 */
final class SafeTensorSequences {
    private SafeTensorSequences() {
    }

    static SequenceInput read(Path file, Model model) {
        TensorFile tf = SafeTensors.parse(file.toString(), SequenceValues.readAll(file, SafeTensors.MAX_FILE_BYTES));
        Tensor x = tf.require("input");
        if (x.rank() != 3 || x.dim(2) != model.inputSize() || x.dim(0) == 0 || x.dim(1) == 0) {
            throw new EngineException(file + ": tensor 'input' has shape " + Arrays.toString(x.shape())
                    + ", expected [B, T, " + model.inputSize() + "] with B, T >= 1 (the model takes "
                    + model.inputSize() + " features)");
        }
        int b = x.dim(0);
        int t = x.dim(1);
        int f = x.dim(2);
        float[] xv = floats(file, x);
        float[][][] xs = new float[b][t][f];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                System.arraycopy(xv, (i * t + k) * f, xs[i][k], 0, f);
            }
        }
        BatchInput in = BatchInput.of(xs);
        if (tf.has("timespans")) {
            float[][] dt = rows(file, tf.require("timespans"), b, t, "[B, T] = [" + b + ", " + t + "] like 'input'");
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < t; k++) {
                    SequenceValues.timespan(dt[i][k], file + ": tensor 'timespans' at [" + i + ", " + k + "]", dt[i][k]);
                }
            }
            in.timespans(dt);
        }
        state(file, tf, "initial_state", b, model.hiddenSize(), "recurrent state").ifPresent(in::initialState);
        state(file, tf, "initial_cell", b, model.cellSize(), "mixed-memory cell").ifPresent(in::initialCell);
        return new SequenceInput(in, Layout.BATCH);
    }

    private static java.util.Optional<float[][]> state(Path file, TensorFile tf, String name, int b, int width,
            String what) {
        if (!tf.has(name)) {
            return java.util.Optional.empty();
        }
        if (width == 0) {
            throw new EngineException(file + ": tensor '" + name + "': the model has no " + what);
        }
        return java.util.Optional.of(rows(file, tf.require(name), b, width, "[B, " + width + "] (the model's " + what
                + " size)"));
    }

    private static float[][] rows(Path file, Tensor t, int rows, int cols, String expected) {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new EngineException(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + expected);
        }
        float[] v = floats(file, t);
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v, i * cols, out[i], 0, cols);
        }
        return out;
    }

    private static float[] floats(Path file, Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            double d = t.get(i);
            if (!Double.isFinite(d)) {
                throw new EngineException(file + ": tensor '" + t.name() + "' holds " + d + " at flat index " + i
                        + " (must be finite)");
            }
            v[i] = SequenceValues.toFloat(d, file + ": tensor '" + t.name() + "' at flat index " + i, d);
        }
        return v;
    }

    static void write(Path file, Model model, BatchResult r) {
        double[][][] y = r.output();
        int b = y.length;
        int t = y[0].length;
        List<Tensor> out = new ArrayList<>();
        out.add(Tensor.f64("output", new int[] {b, t, model.outputSize()}, flatten3(y)));
        out.add(Tensor.f64("final_state", new int[] {b, model.hiddenSize()}, flatten2(r.finalState())));
        if (model.cellSize() > 0) {
            out.add(Tensor.f64("final_cell", new int[] {b, model.cellSize()}, flatten2(r.finalCell())));
        }
        r.coherence().ifPresent(c -> out.add(Tensor.f64("coherence", new int[] {b, t}, flatten2(c))));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model.name());
        meta.put("precision", r.precision().name().toLowerCase(java.util.Locale.ROOT));
        SafeTensors.write(file, out, meta);
    }

    private static double[] flatten3(double[][][] a) {
        List<double[]> rows = new ArrayList<>();
        for (double[][] m : a) {
            rows.addAll(Arrays.asList(m));
        }
        return flatten2(rows.toArray(new double[0][]));
    }

    private static double[] flatten2(double[][] a) {
        int n = 0;
        for (double[] r : a) {
            n = Math.addExact(n, r.length);
        }
        double[] out = new double[n];
        int off = 0;
        for (double[] r : a) {
            System.arraycopy(r, 0, out, off, r.length);
            off += r.length;
        }
        return out;
    }
}
