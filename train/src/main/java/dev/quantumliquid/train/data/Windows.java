package dev.quantumliquid.train.data;

import dev.quantumliquid.train.TrainException;
import java.util.List;

/**
 * Windows over a table, for k in 0..T-1 and every start s, in row order: x[k] = features at row s+k,
 * dt[k] from the time-delta column (or 1.0); forecasting: target[k] = targets at row s+k+H;
 * classification ({@link #classify}): target[k][0] = the class index of row s+k's label.
 */
public record Windows(double[][][] x, double[][] dt, double[][][] y) {
    /** Classification windows and the class names (index order: sorted label values). */
    public record Labelled(Windows windows, List<String> classes) {
    }

    /**
     * Sequence classification over a label column: windows of T rows whose class is the label of the
     * last row (stored as target[T-1][0], every step holding its own row's class index). The classes
     * are the distinct label values of the column, sorted numerically when every label is a number
     * (named without a trailing ".0" when integral), else as text. The table must have read the label
     * column as text ({@link CsvTable#read(java.nio.file.Path, java.util.Set)}).
     */
    public static Labelled classify(CsvTable t, List<String> features, String label, String dtColumn, int window) {
        if (window < 1) {
            throw new TrainException("--window must be >= 1, got " + window);
        }
        int lc = t.column(label);
        if (features.contains(label)) {
            throw new TrainException("column '" + label + "' is the --label; it cannot also be a feature");
        }
        int rows = t.rows();
        String[] cells = new String[rows];
        boolean numeric = true;
        double[] values = new double[rows];
        for (int r = 0; r < rows; r++) {
            cells[r] = t.text(r, lc);
            try {
                values[r] = Double.parseDouble(cells[r]);
                numeric &= Double.isFinite(values[r]);
            } catch (NumberFormatException e) {
                numeric = false;
            }
        }
        List<String> names;
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        if (numeric) {
            double[] distinct = java.util.Arrays.stream(values).map(v -> v == 0.0 ? 0.0 : v).distinct().sorted().toArray();
            names = java.util.Arrays.stream(distinct).mapToObj(Windows::className).toList();
            for (int r = 0; r < rows; r++) {
                index.putIfAbsent(cells[r], java.util.Arrays.binarySearch(distinct, values[r] == 0.0 ? 0.0 : values[r]));
            }
        } else {
            names = java.util.Arrays.stream(cells).distinct().sorted().toList();
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
        }
        if (names.size() < 2) {
            throw new TrainException(t.source() + ": label column '" + label + "' has " + names.size() + " distinct value"
                    + (names.isEmpty() ? "s" : " (" + names.get(0) + ")") + "; classification needs at least 2 classes");
        }
        Windows w = of(t, features, List.of(), dtColumn, window, 0);
        for (int s = 0; s < w.size(); s++) {
            for (int k = 0; k < window; k++) {
                w.y()[s][k] = new double[] {index.get(cells[s + k])};
            }
        }
        return new Labelled(w, names);
    }

    static String className(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    public static Windows of(CsvTable t, List<String> features, List<String> targets, String dtColumn, int window, int horizon) {
        if (window < 1 || horizon < 0) {
            throw new TrainException("--window must be >= 1 and --horizon >= 0, got " + window + " and " + horizon);
        }
        int[] fc = features.stream().mapToInt(t::column).toArray();
        int[] tc = targets.stream().mapToInt(t::column).toArray();
        int dc = dtColumn == null ? -1 : t.column(dtColumn);
        int n = t.rows() - window - horizon + 1;
        if (n < 2) {
            throw new TrainException("too few rows: " + t.rows() + " rows give " + Math.max(n, 0) + " windows of " + window
                    + " steps with horizon " + horizon + " (need at least 2: one to train, one to validate)");
        }
        double[][][] x = new double[n][window][fc.length];
        double[][][] y = new double[n][window][tc.length];
        double[][] dt = new double[n][window];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < window; k++) {
                for (int f = 0; f < fc.length; f++) {
                    x[s][k][f] = (float) t.get(s + k, fc[f]);
                }
                for (int f = 0; f < tc.length; f++) {
                    y[s][k][f] = t.get(s + k + horizon, tc[f]);
                }
                dt[s][k] = dc < 0 ? 1.0 : (float) t.get(s + k, dc);
                if (!(dt[s][k] > 0)) {
                    throw new TrainException("column '" + dtColumn + "' row " + (s + k) + " is " + dt[s][k] + " (time deltas must be positive)");
                }
            }
        }
        return new Windows(x, dt, y);
    }

    /** The first n windows (sharing the arrays' rows). */
    public Windows head(int n) {
        return new Windows(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(dt, n), java.util.Arrays.copyOf(y, n));
    }

    public int size() {
        return x.length;
    }
}
