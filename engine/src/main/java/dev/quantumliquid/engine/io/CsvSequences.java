package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sequence as CSV: a header row (feature names, or any names), then one row per step. A column
 * named {@code dt} holds the step's time span. Rows are numbered as lines of the file (header = row 1).
 */
final class CsvSequences {
    static final String DT = "dt";
    static final String COHERENCE = "coherence";

    private CsvSequences() {
    }

    static SequenceInput read(Path file, Model model) {
        String text = new String(Values.readAll(file, Values.MAX_TEXT_BYTES), StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        List<String> header = null;
        int dtColumn = -1;
        List<float[]> xs = new ArrayList<>();
        List<Float> dts = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            int row = i + 1;
            List<String> cells = split(lines[i], file, row);
            if (header == null) {
                header = cells;
                dtColumn = headerChecks(file, header, model);
                continue;
            }
            if (cells.size() != header.size()) {
                throw new EngineException(file + ": row " + row + " has " + cells.size() + " cells, the header has "
                        + header.size());
            }
            float[] x = new float[model.inputSize()];
            int f = 0;
            for (int c = 0; c < cells.size(); c++) {
                String where = file + ": row " + row + " column '" + Json.abbreviate(header.get(c)) + "'";
                float v = number(cells.get(c), where);
                if (c == dtColumn) {
                    dts.add(Values.timespan(v, where, "'" + cells.get(c) + "'"));
                } else {
                    x[f++] = v;
                }
            }
            xs.add(x);
        }
        if (header == null) {
            throw new EngineException(file + ": empty file (expected a header row, then one row per step)");
        }
        if (xs.isEmpty()) {
            throw new EngineException(file + ": no data rows after the header (need at least one step)");
        }
        BatchInput in = BatchInput.of(new float[][][] {xs.toArray(new float[0][])});
        if (dtColumn >= 0) {
            float[] dt = new float[dts.size()];
            for (int k = 0; k < dt.length; k++) {
                dt[k] = dts.get(k);
            }
            in.timespans(new float[][] {dt});
        }
        return new SequenceInput(in, Layout.SEQUENCE);
    }

    /** Checks the header against the model; returns the dt column or -1. */
    private static int headerChecks(Path file, List<String> header, Model model) {
        int dt = -1;
        List<String> features = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (name.equals(DT)) {
                if (dt >= 0) {
                    throw new EngineException(file + ": header names column 'dt' twice");
                }
                dt = c;
            } else {
                features.add(name);
            }
        }
        if (features.size() != model.inputSize()) {
            throw new EngineException(file + ": header has " + features.size() + " feature column"
                    + (features.size() == 1 ? "" : "s") + " (" + Json.abbreviate(String.join(", ", features))
                    + "), the model takes " + model.inputSize() + " features");
        }
        return dt;
    }

    private static float number(String cell, String where) {
        if (!Values.isDecimal(cell)) {
            throw new EngineException(where + ": '" + Json.abbreviate(cell) + "' is not a number");
        }
        return Values.toFloat(Double.parseDouble(cell), where, "'" + cell + "'");
    }

    /** Splits one line into trimmed cells; double quotes may enclose a cell ("" is a quote inside one). */
    static List<String> split(String line, Path file, int row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"' && cur.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cur.setLength(0);
            } else if (wasQuoted && Character.isWhitespace(ch)) {
                continue; // blanks between a closing quote and the comma
            } else if (ch == ',') {
                cells.add(wasQuoted ? cur.toString() : cur.toString().trim());
                cur.setLength(0);
                wasQuoted = false;
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new EngineException(file + ": row " + row + " has an unclosed double quote");
        }
        cells.add(wasQuoted ? cur.toString() : cur.toString().trim());
        return cells;
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
        StringBuilder sb = new StringBuilder();
        List<String> names = new ArrayList<>(model.info().outputNames());
        double[] coh = r.coherence().map(c -> c[0]).orElse(null); // [T] of sample 0
        if (coh != null) {
            names.add(COHERENCE);
        }
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(names.get(i)));
        }
        sb.append('\n');
        double[][] y = r.output()[0];
        for (int t = 0; t < y.length; t++) {
            for (int o = 0; o < y[t].length; o++) {
                sb.append(o == 0 ? "" : ",").append(Values.format(y[t][o], r.precision()));
            }
            if (coh != null) {
                sb.append(',').append(Values.format(coh[t], r.precision()));
            }
            sb.append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || !s.equals(s.trim())) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
