package dev.quantumliquid.train.data;

import dev.quantumliquid.train.TrainException;
import java.util.List;

/**
 * Forecasting windows over a table: x[k] = features at row s+k, target[k] = targets at row s+k+H,
 * dt[k] from the time-delta column (or 1.0), for k in 0..T-1 and every start s, in row order.
 */
public record Windows(double[][][] x, double[][] dt, double[][][] y) {
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

    public int size() {
        return x.length;
    }
}
