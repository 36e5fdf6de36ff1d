package dev.quantumliquid.train.batch;

import dev.quantumliquid.train.data.Windows;

/**
 * Weighted squared error over every step from {@code lossFrom} on: sum_{k >= lossFrom, j}
 * w_j (y_kj - target_kj)^2 (the forecasting loss; w_j = 1/variance of target j makes it normalised MSE).
 */
public final class Mse implements Loss {
    private final double[] w;
    private final int lossFrom;

    public Mse(double[] weights, int lossFrom) {
        this.w = weights.clone();
        this.lossFrom = lossFrom;
    }

    @Override
    public double seed(double[] y, int steps, int n, Windows data, int[] idx, int from, double[] dy) {
        int outs = w.length;
        double loss = 0;
        for (int k = 0; k < steps; k++) {
            for (int b = 0; b < n; b++) {
                double[] target = data.y()[idx[from + b]][k];
                int o = (k * n + b) * outs;
                for (int j = 0; j < outs; j++) {
                    double e = y[o + j] - target[j];
                    if (k >= lossFrom) {
                        loss += w[j] * e * e;
                    }
                    if (dy != null) {
                        dy[o + j] = k >= lossFrom ? 2 * w[j] * e : 0.0;
                    }
                }
            }
        }
        return loss;
    }

    @Override
    public double termsPerWindow(int steps) {
        return (double) (steps - lossFrom) * w.length;
    }
}
