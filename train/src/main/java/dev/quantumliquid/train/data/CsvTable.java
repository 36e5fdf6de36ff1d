package dev.quantumliquid.train.data;

import dev.quantumliquid.train.TrainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A numeric CSV: a header row naming the columns ('#' comment lines skipped), then numbers; columns
 * named as text columns (a class label) keep their cells as text instead.
 */
public final class CsvTable {
    private final String label;
    private final List<String> header;
    private final double[][] rows; // [rows][columns]; NaN in text columns
    private final Map<Integer, String[]> text; // column -> [rows]
    private final byte[] raw;

    private CsvTable(String label, List<String> header, double[][] rows, Map<Integer, String[]> text, byte[] raw) {
        this.label = label;
        this.header = header;
        this.rows = rows;
        this.text = text;
        this.raw = raw;
    }

    public static CsvTable read(Path file) {
        return read(file, Set.of());
    }

    /** Reads a CSV whose columns named in {@code textColumns} hold text (non-empty cells), all others numbers. */
    public static CsvTable read(Path file, Set<String> textColumns) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TrainException(file + ": not found");
        } catch (IOException e) {
            throw new TrainException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
        List<String> header = null;
        List<double[]> rows = new ArrayList<>();
        List<String[]> texts = new ArrayList<>();
        boolean[] isText = null;
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (header == null) {
                header = Arrays.stream(cells).map(String::strip).toList();
                isText = new boolean[header.size()];
                for (int c = 0; c < isText.length; c++) {
                    isText[c] = textColumns.contains(header.get(c));
                }
                for (String name : textColumns) {
                    if (!header.contains(name)) {
                        throw new TrainException(file + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
                    }
                }
                continue;
            }
            if (cells.length != header.size()) {
                throw new TrainException(file + ": line " + (ln + 1) + " has " + cells.length + " cells, the header has " + header.size());
            }
            double[] r = new double[cells.length];
            String[] tr = new String[cells.length];
            for (int c = 0; c < cells.length; c++) {
                if (isText[c]) {
                    tr[c] = cells[c].strip();
                    r[c] = Double.NaN;
                    if (tr[c].isEmpty()) {
                        throw new TrainException(file + ": line " + (ln + 1) + " column '" + header.get(c) + "' is empty");
                    }
                    continue;
                }
                try {
                    r[c] = Double.parseDouble(cells[c].strip());
                } catch (NumberFormatException e) {
                    throw new TrainException(file + ": line " + (ln + 1) + " column '" + header.get(c) + "' is not a number: '"
                            + cells[c].strip() + "'");
                }
                if (!Double.isFinite(r[c])) {
                    throw new TrainException(file + ": line " + (ln + 1) + " column '" + header.get(c) + "' is not finite");
                }
            }
            rows.add(r);
            texts.add(tr);
        }
        if (header == null) {
            throw new TrainException(file + ": empty (a CSV needs a header row)");
        }
        Map<Integer, String[]> text = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (isText[c]) {
                String[] col = new String[texts.size()];
                for (int i = 0; i < col.length; i++) {
                    col[i] = texts.get(i)[c];
                }
                text.put(c, col);
            }
        }
        return new CsvTable(file.toString(), header, rows.toArray(new double[0][]), text, bytes);
    }

    public int rows() {
        return rows.length;
    }

    public byte[] raw() {
        return raw.clone();
    }

    /** Index of a named column, or an error listing the header. */
    public int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new TrainException(label + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
        }
        return i;
    }

    public double get(int row, int column) {
        if (text.containsKey(column)) {
            throw new TrainException(label + ": column '" + header.get(column) + "' holds labels, not feature values");
        }
        return rows[row][column];
    }

    /** The text of a cell of a text column. */
    public String text(int row, int column) {
        String[] col = text.get(column);
        if (col == null) {
            throw new IllegalArgumentException("column " + header.get(column) + " was not read as text");
        }
        return col[row];
    }

    /** The file as named when read (for messages). */
    public String source() {
        return label;
    }
}
