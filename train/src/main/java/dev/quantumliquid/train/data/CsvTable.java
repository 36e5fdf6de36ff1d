package dev.quantumliquid.train.data;

import dev.quantumliquid.engine.io.CsvFile;
import dev.quantumliquid.train.TrainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training data from CSV ({@link CsvFile}, the reader {@code qlnn predict} uses too): a header row
 * naming the columns, then numbers; columns named as text columns (a class label) keep their cells
 * as text instead.
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
        CsvFile csv = CsvFile.parse(file.toString(), bytes);
        List<String> header = csv.header();
        boolean[] isText = new boolean[header.size()];
        for (String name : textColumns) {
            int c = header.indexOf(name);
            if (c < 0) {
                throw new TrainException(file + ": no column '" + name + "' (columns: " + String.join(", ", header) + ")");
            }
            isText[c] = true;
        }
        double[][] rows = new double[csv.rows().size()][header.size()];
        Map<Integer, String[]> text = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (isText[c]) {
                text.put(c, new String[rows.length]);
            }
        }
        for (int i = 0; i < rows.length; i++) {
            CsvFile.Row row = csv.rows().get(i);
            for (int c = 0; c < header.size(); c++) {
                String cell = row.cells().get(c);
                String where = file + ": row " + row.number() + " column '" + header.get(c) + "'";
                if (isText[c]) {
                    if (cell.isEmpty()) {
                        throw new TrainException(where + " is empty");
                    }
                    text.get(c)[i] = cell;
                    rows[i][c] = Double.NaN;
                    continue;
                }
                try {
                    rows[i][c] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new TrainException(where + " is not a number: '" + cell + "'");
                }
                if (!Double.isFinite(rows[i][c])) {
                    throw new TrainException(where + " is not finite");
                }
            }
        }
        return new CsvTable(file.toString(), header, rows, text, bytes);
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
