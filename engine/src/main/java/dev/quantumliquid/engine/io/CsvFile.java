package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file as text cells, read by Apache Commons CSV (RFC 4180: double quotes around cells that hold
 * commas, quotes or newlines): a header row naming the columns, then data rows with one cell per
 * column. Rows are numbered from the header (row 1). Blank rows, rows of the wrong width, duplicate
 * or empty column names and a file without data rows are refused, naming the file and the row. The
 * one CSV reader of {@code qlnn train} and {@code qlnn predict}.
 *
 * @param source the file as named in messages
 * @param header the column names, blanks around them removed
 * @param rows   the data rows in file order
 */
public record CsvFile(String source, List<String> header, List<Row> rows) {
    /** One data row: its number in the file (header = 1) and one cell per column. */
    public record Row(long number, List<String> cells) {
    }

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false) // a blank row is reported, not skipped
            .setIgnoreSurroundingSpaces(true)
            .get();

    public CsvFile {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
    }

    /** Parses UTF-8 CSV text (a leading byte-order mark is ignored). */
    public static CsvFile parse(String source, byte[] utf8) {
        String text = new String(utf8, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(new StringReader(text), FORMAT)) {
            for (CSVRecord r : p) {
                long row = r.getRecordNumber();
                List<String> cells = r.toList();
                if (cells.size() == 1 && cells.get(0).isEmpty()) {
                    throw new EngineException(source + ": row " + row + " is blank (one row per step, no blank rows)");
                }
                if (header == null) {
                    header = checkHeader(source, cells);
                } else if (cells.size() != header.size()) {
                    throw new EngineException(source + ": row " + row + " has " + cells.size() + " cells, the header has "
                            + header.size());
                } else {
                    rows.add(new Row(row, cells));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new EngineException(source + ": not valid CSV (" + e.getMessage() + ")", e);
        }
        if (header == null) {
            throw new EngineException(source + ": empty (a CSV needs a header row naming the columns, then one row per step)");
        }
        if (rows.isEmpty()) {
            throw new EngineException(source + ": no data rows after the header");
        }
        return new CsvFile(source, header, rows);
    }

    private static List<String> checkHeader(String source, List<String> cells) {
        Set<String> seen = new HashSet<>();
        for (int c = 0; c < cells.size(); c++) {
            String name = cells.get(c);
            if (name.isEmpty()) {
                throw new EngineException(source + ": header column " + (c + 1) + " has no name");
            }
            if (!seen.add(name)) {
                throw new EngineException(source + ": header names column '" + Json.abbreviate(name) + "' twice");
            }
        }
        return cells;
    }

    /** Index of a named column, or an error listing the header. */
    public int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new EngineException(source + ": no column '" + Json.abbreviate(name) + "' (columns: "
                    + Json.abbreviate(String.join(", ", header)) + ")");
        }
        return i;
    }
}
