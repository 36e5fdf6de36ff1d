package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.MackeyGlass;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableModel;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecast figures against an oracle: a stateless model y = a x + b, whose one-step prediction
 * of a window is f(last input) and whose 10-step closed-loop prediction is f applied 10 times.
 */
class MetricsTest {
    private static final double A = 0.6;
    private static final double B = 0.35;

    private static Model affine() {
        TrainableModel m = new TrainableModel(new TrainableModel.Info("t", "", 1, List.of("x"), 1.0, "cortex-m4f"),
                List.of(TrainableDense.create("d", 1, 1, Activation.NONE, new SplittableRandom(1))));
        m.setParameters(new double[] {A, B});
        return m.toModel();
    }

    private static double f(double x) {
        return (float) (A * (float) x + B); // the engine runs in float32
    }

    /** Mean over one output of RMSE / population standard deviation, written plainly. */
    private static double nrmse(double[] pred, double[] truth) {
        double se = 0;
        double mean = 0;
        for (int i = 0; i < pred.length; i++) {
            se += (pred[i] - truth[i]) * (pred[i] - truth[i]);
            mean += truth[i];
        }
        mean /= truth.length;
        double var = 0;
        for (double t : truth) {
            var += (t - mean) * (t - mean);
        }
        return Math.sqrt(se / pred.length) / Math.sqrt(var / truth.length);
    }

    @Test
    void oneStepAndTenStepNrmseOfAKnownModel(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 300);
        CsvTable t = CsvTable.read(csv);
        int steps = 7;
        Windows w = Windows.of(t, List.of("x"), List.of("x"), null, steps, 1);
        int cut = Trainer.split(w.size(), 0.3);
        Metrics.Forecast fc = Metrics.forecast(affine(), w, cut, w.size(), List.of("x"), List.of("x"), 1);

        int n = w.size() - cut;
        double[] p1 = new double[n];
        double[] t1 = new double[n];
        for (int i = 0; i < n; i++) {
            double last = t.get(cut + i + steps - 1, 1);
            p1[i] = f(last);
            t1[i] = t.get(cut + i + steps, 1);
        }
        int m = n - 9;
        double[] p10 = new double[m];
        double[] t10 = new double[m];
        for (int i = 0; i < m; i++) {
            double v = t.get(cut + i + steps - 1, 1);
            for (int a = 0; a < 10; a++) {
                v = f(v);
            }
            p10[i] = v;
            t10[i] = t.get(cut + i + steps + 9, 1);
        }
        assertThat(fc.windows()).isEqualTo(n);
        assertThat(fc.rolloutWindows()).isEqualTo(m);
        assertThat(fc.oneStepNrmse()).isCloseTo(nrmse(p1, t1), within(1e-6));
        assertThat(fc.tenStepNrmse()).isCloseTo(nrmse(p10, t10), within(1e-6));
        assertThat(fc.tenStepNrmse()).isNotCloseTo(fc.oneStepNrmse(), within(0.05));
        assertThat(fc.json().get("definitions").toString()).contains("one_step_nrmse").contains("ten_step_nrmse");
        assertThat(fc.json().has("coherence_mean")).as("no circuit, no coherence").isFalse();
    }

    @Test
    void noClosedLoopWhenTargetsAreNotTheFeaturesOrTheHorizonIsNotOne(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 100);
        CsvTable t = CsvTable.read(csv);
        Windows w = Windows.of(t, List.of("x"), List.of("x"), null, 5, 2);
        Metrics.Forecast fc = Metrics.forecast(affine(), w, Trainer.split(w.size(), 0.3), w.size(), List.of("x"), List.of("x"), 2);
        assertThat(fc.oneStepNrmse()).isFinite().isPositive();
        assertThat(fc.tenStepNrmse()).isNaN();
        assertThat(fc.json().get("ten_step_nrmse").isNull()).isTrue();
        assertThat(fc.json().get("ten_step_note").asText()).contains("horizon 1");
    }
}
