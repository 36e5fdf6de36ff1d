package dev.quantumliquid.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.train.arch.TrainableModel;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.MackeyGlass;
import dev.quantumliquid.train.data.Windows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static TrainJob.Options opts(Path csv, Path out, String arch, int threads, long seed, int qubits, String wiring, double budget) {
        return new TrainJob.Options(csv, List.of("x"), List.of("x"), null, 6, 1, arch, 3, wiring, 0.4, qubits, qubits > 0 ? 1 : 0,
                0.0, 1.0, budget, new Trainer.Config(3, 8, 0.02, 0.0, 1.0, seed, threads, 0.25, 0, 0), out);
    }

    private static double[] train(Path csv, Path out, String arch, int threads, long seed) {
        TrainJob.Options o = opts(csv, out, arch, threads, seed, 0, "full", 50);
        Windows w = Windows.of(CsvTable.read(csv), o.features(), o.targets(), null, o.window(), o.horizon());
        int cut = Trainer.split(w.size(), 0.25);
        TrainableModel m = TrainJob.build(o, w, cut);
        double[] lw = {1.0 / 0.05};
        List<Trainer.Epoch> eps = new Trainer(m, o.train(), lw).train(w, e -> { });
        assertThat(eps).hasSize(3);
        assertThat(eps.get(2).trainLoss()).isLessThan(eps.get(0).trainLoss());
        return m.parameters();
    }

    @Test
    void sameSeedSameWeightsWhateverTheThreadCount(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 80);
        double[] a = train(csv, dir.resolve("a"), "cfc", 1, 7);
        double[] b = train(csv, dir.resolve("b"), "cfc", 2, 7);
        double[] c = train(csv, dir.resolve("c"), "cfc", 2, 8);
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void endToEndWritesLoadableVersionAndReport(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 60);
        Path out = dir.resolve("repo/mg/1");
        TrainJob.Result r = TrainJob.run(opts(csv, out, "ltc", 2, 1, 2, "full", 50), s -> { }, e -> { });
        assertThat(out.resolve("model.json")).exists();
        assertThat(out.resolve("weights.safetensors")).exists();
        assertThat(out.resolve("calibration.safetensors")).exists();
        String report = Files.readString(out.resolve("report.json"));
        assertThat(report).contains("\"data_sha256\"").contains("\"validation_nrmse_last_step\"").contains("\"microwatts\"");
        assertThat(r.validationNrmse()).isFinite().isPositive();
        assertThat(dev.quantumliquid.engine.model.ModelFiles.load(out).qubits()).isEqualTo(2);
    }

    @Test
    void refusesOverBudgetAndUnsupportedWiring(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 40);
        assertThatThrownBy(() -> TrainJob.run(opts(csv, dir.resolve("o"), "cfc", 1, 1, 0, "full", 1e-6), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("over the budget");
        assertThatThrownBy(() -> TrainJob.run(opts(csv, dir.resolve("o"), "cfc", 1, 1, 0, "ncp", 50), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("--wiring ncp is not supported yet");
    }
}
