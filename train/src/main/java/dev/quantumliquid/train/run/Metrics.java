package dev.quantumliquid.train.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
import dev.quantumliquid.train.data.Windows;
import java.util.List;

/**
 * The final validation figures of a run, computed on the written model (the engine's float32 path
 * the server runs, one {@link Session} per window) over the windows [cut, to): the validation windows,
 * or the test windows when the run holds some back.
 */
final class Metrics {
    /** Steps ahead of the closed-loop figure. */
    static final int AHEAD = 10;

    static final String ONE_STEP = "one_step_nrmse: per target, RMSE of the last step's prediction over the validation windows"
            + " divided by the standard deviation of that target over the same windows (data units), averaged over targets";
    static final String TEN_STEP = "ten_step_nrmse: per validation window, warm up on its true inputs, then feed each prediction back"
            + " as the next input for 9 more steps (true time spans); RMSE of the 10th prediction against the true value 10 rows"
            + " after the window divided by the standard deviation of those true values, averaged over targets (needs targets ="
            + " features and horizon 1)";
    static final String COHERENCE = "coherence_mean, coherence_min: the circuit's coherence (as the server reports it per step)"
            + " over every step of the validation windows";

    private Metrics() {
    }

    /** Forecast figures; tenStepNrmse is NaN (with the reason in note) when the model cannot roll out. */
    record Forecast(double oneStepNrmse, double[] oneStepRmse, int windows, double tenStepNrmse, double[] tenStepRmse,
            int rolloutWindows, String note, List<String> targets, Coherence coherence) {
        ObjectNode json() {
            ObjectNode j = JsonNodeFactory.instance.objectNode();
            coherence.into(j);
            j.put("one_step_nrmse", oneStepNrmse);
            ObjectNode r1 = j.putObject("one_step_rmse");
            for (int t = 0; t < targets.size(); t++) {
                r1.put(targets.get(t), oneStepRmse[t]);
            }
            j.put("validation_windows", windows);
            if (Double.isNaN(tenStepNrmse)) {
                j.putNull("ten_step_nrmse");
                j.put("ten_step_note", note);
            } else {
                j.put("ten_step_nrmse", tenStepNrmse);
                ObjectNode r10 = j.putObject("ten_step_rmse");
                for (int t = 0; t < targets.size(); t++) {
                    r10.put(targets.get(t), tenStepRmse[t]);
                }
                j.put("rollout_windows", rolloutWindows);
            }
            ArrayNode d = j.putArray("definitions");
            d.add(ONE_STEP);
            d.add(TEN_STEP);
            if (!Double.isNaN(coherence.mean())) {
                d.add(COHERENCE);
            }
            return j;
        }
    }

    /** Classification figures over the validation windows (the class of each is its last row's label). */
    record Classification(double accuracy, double crossEntropy, double majorityAccuracy, int windows, int[][] confusion,
            Coherence coherence) {
        ObjectNode json(List<String> classes) {
            ObjectNode j = JsonNodeFactory.instance.objectNode();
            coherence.into(j);
            j.put("accuracy", accuracy).put("cross_entropy", crossEntropy).put("majority_class_accuracy", majorityAccuracy)
                    .put("validation_windows", windows);
            ArrayNode cs = j.putArray("classes");
            classes.forEach(cs::add);
            ArrayNode cm = j.putArray("confusion");
            for (int[] row : confusion) {
                ArrayNode r = cm.addArray();
                for (int v : row) {
                    r.add(v);
                }
            }
            j.put("confusion_rows", "true class, columns: predicted class");
            return j;
        }
    }

    /**
     * The circuit's coherence over every step of the validation windows (what the server reports per
     * step and compares with QUANTUM_COHERENCE_THRESHOLD); absent for a model without pqc layer.
     */
    static final class Coherence {
        private double sum;
        private double min = Double.POSITIVE_INFINITY;
        private long n;

        void add(double c) {
            if (!Double.isNaN(c)) {
                sum += c;
                min = Math.min(min, c);
                n++;
            }
        }

        double mean() {
            return n == 0 ? Double.NaN : sum / n;
        }

        double min() {
            return n == 0 ? Double.NaN : min;
        }

        void into(ObjectNode j) {
            if (n > 0) {
                j.put("coherence_mean", mean()).put("coherence_min", min());
            }
        }
    }

    static Forecast forecast(Model m, Windows w, int cut, int to, List<String> features, List<String> targets, int horizon) {
        int outs = targets.size();
        int steps = w.x()[0].length;
        int size = to;
        boolean rollout = features.equals(targets) && horizon == 1;
        int rolloutTo = Math.min(size, w.size() - (AHEAD - 1));
        Session s = m.newSession();
        float[] y = new float[m.outputSize()];
        float[] in = new float[m.inputSize()];
        double[][] p1 = new double[size - cut][];
        double[][] p10 = new double[Math.max(0, rolloutTo - cut)][];
        Coherence coh = new Coherence();
        for (int i = cut; i < size; i++) {
            s.reset();
            for (int k = 0; k < steps; k++) {
                double[] x = w.x()[i][k];
                for (int f = 0; f < in.length; f++) {
                    in[f] = (float) x[f];
                }
                coh.add(s.step(in, (float) w.dt()[i][k], y));
            }
            p1[i - cut] = toDouble(y, outs);
            if (rollout && i < rolloutTo) {
                for (int a = 1; a < AHEAD; a++) {
                    System.arraycopy(y, 0, in, 0, in.length); // the prediction of row i+T+a-1 is the next input
                    s.step(in, (float) w.dt()[i + a][steps - 1], y); // that row's time span
                }
                p10[i - cut] = toDouble(y, outs);
            }
        }
        double[][] truth1 = new double[size - cut][];
        for (int i = cut; i < size; i++) {
            truth1[i - cut] = w.y()[i][steps - 1];
        }
        double[] rmse1 = new double[outs];
        double n1 = nrmse(p1, truth1, rmse1);
        if (!rollout) {
            return new Forecast(n1, rmse1, size - cut, Double.NaN, null, 0,
                    "not computed: the closed loop needs targets equal to features (same columns, same order) and horizon 1", targets, coh);
        }
        if (rolloutTo - cut < 2) {
            return new Forecast(n1, rmse1, size - cut, Double.NaN, null, 0,
                    "not computed: fewer than 2 validation windows have a row " + AHEAD + " steps after them", targets, coh);
        }
        double[][] truth10 = new double[rolloutTo - cut][];
        for (int i = cut; i < rolloutTo; i++) {
            truth10[i - cut] = w.y()[i + AHEAD - 1][steps - 1]; // row i+T+9
        }
        double[] rmse10 = new double[outs];
        double n10 = nrmse(p10, truth10, rmse10);
        return new Forecast(n1, rmse1, size - cut, n10, rmse10, rolloutTo - cut, null, targets, coh);
    }

    private static double[] toDouble(float[] y, int n) {
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = y[j];
        }
        return d;
    }

    /** Mean over outputs of RMSE / population standard deviation of the truth; writes each RMSE into rmse. */
    static double nrmse(double[][] pred, double[][] truth, double[] rmse) {
        int n = pred.length;
        double total = 0;
        for (int j = 0; j < rmse.length; j++) {
            double se = 0;
            double mean = 0;
            for (int i = 0; i < n; i++) {
                double e = pred[i][j] - truth[i][j];
                se += e * e;
                mean += truth[i][j];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (truth[i][j] - mean) * (truth[i][j] - mean);
            }
            double sd = Math.sqrt(var / n);
            rmse[j] = Math.sqrt(se / n);
            total += rmse[j] / (sd > 1e-12 ? sd : 1.0);
        }
        return total / rmse.length;
    }

    static Classification classification(Model m, Windows w, int cut, int to) {
        int size = to;
        int n = size - cut;
        int steps = w.x()[0].length;
        float[][][] x = new float[n][steps][];
        float[][] dt = new float[n][steps];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < steps; k++) {
                double[] v = w.x()[cut + i][k];
                x[i][k] = new float[v.length];
                for (int f = 0; f < v.length; f++) {
                    x[i][k][f] = (float) v[f];
                }
                dt[i][k] = (float) w.dt()[cut + i][k];
            }
        }
        var result = m.predict(BatchInput.of(x).timespans(dt), 1);
        double[][][] logits = result.output();
        Coherence coh = new Coherence();
        result.coherence().ifPresent(c -> {
            for (double[] perStep : c) {
                for (double v : perStep) {
                    coh.add(v);
                }
            }
        });
        int classes = m.outputSize();
        int[][] confusion = new int[classes][classes];
        int[] count = new int[classes];
        int right = 0;
        double ce = 0;
        for (int i = 0; i < n; i++) {
            double[] z = logits[i][steps - 1];
            int c = (int) w.y()[cut + i][steps - 1][0];
            int best = 0;
            double max = z[0];
            for (int j = 1; j < classes; j++) {
                if (z[j] > max) {
                    max = z[j];
                    best = j;
                }
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            ce += max + Math.log(sum) - z[c];
            right += best == c ? 1 : 0;
            confusion[c][best]++;
            count[c]++;
        }
        int majority = java.util.Arrays.stream(count).max().orElse(0);
        return new Classification((double) right / n, ce / n, (double) majority / n, n, confusion, coh);
    }
}
