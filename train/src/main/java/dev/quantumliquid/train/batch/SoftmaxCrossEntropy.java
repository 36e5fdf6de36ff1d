package dev.quantumliquid.train.batch;

import dev.quantumliquid.train.data.Windows;

/**
 * Sequence classification: the outputs of the last step are one logit per class, the target is the
 * class index stored at the window's last step (target[T-1][0]); the loss is softmax cross-entropy,
 * -log softmax(z)_c = logsumexp(z) - z_c, and dL/dz = softmax(z) - onehot(c). Earlier steps get no
 * gradient.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final int classes;

    public SoftmaxCrossEntropy(int classes) {
        this.classes = classes;
    }

    @Override
    public double seed(double[] y, int steps, int n, Windows data, int[] idx, int from, double[] dy) {
        if (dy != null) {
            java.util.Arrays.fill(dy, 0, steps * n * classes, 0.0);
        }
        int last = steps - 1;
        double loss = 0;
        for (int b = 0; b < n; b++) {
            int c = (int) data.y()[idx[from + b]][last][0];
            int o = (last * n + b) * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, y[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(y[o + j] - max);
            }
            double lse = max + Math.log(sum);
            loss += lse - y[o + c];
            if (dy != null) {
                for (int j = 0; j < classes; j++) {
                    dy[o + j] = Math.exp(y[o + j] - lse) - (j == c ? 1.0 : 0.0);
                }
            }
        }
        return loss;
    }

    @Override
    public double termsPerWindow(int steps) {
        return 1.0;
    }
}
