package dev.quantumliquid.train.data;

import dev.quantumliquid.train.TrainException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A numeric CSV: a header row naming the columns ('#' comment lines skipped), then numbers. */
public final class CsvTable {
    private final String label;
    private final List<String> header;
    private final double[][] rows; // [rows][columns]
    private final byte[] raw;

    private CsvTable(String label, List<String> header, double[][] rows, byte[] raw) {
        this.label = label;
        this.header = header;
        this.rows = rows;
        this.raw = raw;
    }

    public static CsvTable read(Path file) {
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
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (header == null) {
                header = Arrays.stream(cells).map(String::strip).toList();
                continue;
            }
            if (cells.length != header.size()) {
                throw new TrainException(file + ": line " + (ln + 1) + " has " + cells.length + " cells, the header has " + header.size());
            }
            double[] r = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
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
        }
        if (header == null) {
            throw new TrainException(file + ": empty (a CSV needs a header row)");
        }
        return new CsvTable(file.toString(), header, rows.toArray(new double[0][]), bytes);
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
        return rows[row][column];
    }
}
