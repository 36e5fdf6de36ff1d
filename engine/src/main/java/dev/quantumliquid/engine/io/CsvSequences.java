package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * One sequence as CSV ({@link CsvFile}): a header row, then one row per step. The model's inputs are
 * the columns named by model.json's {@code input_names} (other columns are ignored) or, when the
 * model names none, every column but {@code dt}, in file order. A column named {@code dt} holds the
 * step's time span.
 */
final class CsvSequences {
    static final String DT = "dt";
    static final String COHERENCE = "coherence";

    private CsvSequences() {
    }

    static SequenceInput read(Path file, Model model) {
        CsvFile csv = CsvFile.parse(file.toString(), SequenceValues.readAll(file, SequenceValues.MAX_TEXT_BYTES));
        int dtColumn = csv.header().indexOf(DT);
        List<String> names = model.info().inputNames();
        int[] use;
        String how;
        if (!names.isEmpty()) {
            List<String> missing = names.stream().filter(n -> !csv.header().contains(n)).toList();
            if (!missing.isEmpty()) {
                throw new EngineException(file + ": no column" + (missing.size() == 1 ? " " : "s ")
                        + Json.abbreviate(String.join(", ", missing)) + " (the model's input_names: " + Json.abbreviate(String.join(", ", names))
                        + "; the header: " + Json.abbreviate(String.join(", ", csv.header())) + ")");
            }
            use = names.stream().mapToInt(csv.header()::indexOf).toArray();
            how = "by name (model.json input_names)";
        } else {
            use = java.util.stream.IntStream.range(0, csv.header().size()).filter(c -> c != dtColumn).toArray();
            if (use.length != model.inputSize()) {
                throw new EngineException(file + ": header has " + use.length + " feature column" + (use.length == 1 ? "" : "s")
                        + " (" + Json.abbreviate(String.join(", ", columns(csv, use))) + "), the model takes " + model.inputSize()
                        + " features (model.json names no inputs, so every column but 'dt' is one, in file order)");
            }
            how = "in file order (model.json names no inputs)";
        }
        float[][] xs = new float[csv.rows().size()][];
        float[] dt = dtColumn >= 0 ? new float[xs.length] : null;
        for (int t = 0; t < xs.length; t++) {
            CsvFile.Row r = csv.rows().get(t);
            float[] x = new float[use.length];
            for (int f = 0; f < use.length; f++) {
                x[f] = number(r.cells().get(use[f]), where(file, r, csv.header().get(use[f])));
            }
            xs[t] = x;
            if (dt != null) {
                String where = where(file, r, DT);
                String cell = r.cells().get(dtColumn);
                dt[t] = SequenceValues.timespan(number(cell, where), where, "'" + cell + "'");
            }
        }
        BatchInput in = BatchInput.of(new float[][][] {xs});
        if (dt != null) {
            in.timespans(new float[][] {dt});
        }
        String used = "columns " + String.join(", ", columns(csv, use)) + " " + how + (dt != null ? ", time spans from 'dt'" : "");
        return new SequenceInput(in, Layout.SEQUENCE, used);
    }

    private static List<String> columns(CsvFile csv, int[] idx) {
        return java.util.Arrays.stream(idx).mapToObj(csv.header()::get).toList();
    }

    private static String where(Path file, CsvFile.Row r, String column) {
        return file + ": row " + r.number() + " column '" + Json.abbreviate(column) + "'";
    }

    private static float number(String cell, String where) {
        if (!SequenceValues.isDecimal(cell)) {
            throw new EngineException(where + ": '" + Json.abbreviate(cell) + "' is not a number");
        }
        return SequenceValues.toFloat(Double.parseDouble(cell), where, "'" + cell + "'");
    }

    /** Refuses a result CSV cannot hold, before anything is computed. */
    static void checkWritable(Path file, int batch) {
        if (batch != 1) {
            throw new EngineException(file + ": a CSV file holds one sequence, the input has " + batch
                    + " (write .json or .safetensors instead)");
        }
    }

    static void write(Path file, Model model, BatchResult r) {
        checkWritable(file, r.output().length);
        List<String> names = new ArrayList<>(model.info().outputNames());
        double[] coh = r.coherence().map(c -> c[0]).orElse(null); // [T] of sample 0
        if (coh != null) {
            names.add(COHERENCE);
        }
        StringBuilder sb = new StringBuilder();
        try (CSVPrinter p = new CSVPrinter(sb, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
            p.printRecord(names);
            double[][] y = r.output()[0];
            List<String> row = new ArrayList<>(names.size());
            for (int t = 0; t < y.length; t++) {
                row.clear();
                for (double v : y[t]) {
                    row.add(SequenceValues.format(v, r.precision()));
                }
                if (coh != null) {
                    row.add(SequenceValues.format(coh[t], r.precision()));
                }
                p.printRecord(row);
            }
        } catch (IOException e) {
            throw new EngineException(file + ": cannot format the result (" + e.getMessage() + ")", e);
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
