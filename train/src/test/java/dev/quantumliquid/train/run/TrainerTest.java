package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.MackeyGlass;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.NcpWiring;
import dev.quantumliquid.train.wiring.RandomWiring;
import dev.quantumliquid.train.wiring.Wiring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static TrainJob.Options opts(Path csv, Path out, String arch, int threads, long seed, int qubits, String wiring, double budget) {
        return opts(csv, out, arch, 3, threads, seed, qubits, wiring, List.of(), budget);
    }

    private static TrainJob.Options opts(Path csv, Path out, String arch, int units, int threads, long seed, int qubits,
            String wiring, List<Integer> ncp, double budget) {
        return new TrainJob.Options(csv, List.of("x"), List.of("x"), null, 6, 1, arch, units, wiring, 0.4,
                TrainJob.defaultWiringSeed(wiring), ncp, qubits, qubits > 0 ? 1 : 0, 0.0, 1.0, budget,
                new Trainer.Config(3, 8, 0.02, 0.0, 1.0, seed, threads, 0.25, 0, 0), out);
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
        assertThat(javax.imageio.ImageIO.read(out.resolve("loss.png").toFile()).getWidth()).isEqualTo(LossPlot.WIDTH);
        String report = Files.readString(out.resolve("report.json"));
        assertThat(report).contains("\"data_sha256\"").contains("\"one_step_nrmse\"").contains("\"ten_step_nrmse\"")
                .contains("\"microwatts\"").contains("\"task\" : \"forecast\"");
        JsonNode fin = new ObjectMapper().readTree(report).get("final");
        assertThat(fin.get("coherence_mean").asDouble()).isBetween(0.0, 1.0); // 2 qubits: the circuit's coherence is reported
        assertThat(fin.get("coherence_min").asDouble()).isBetween(0.0, fin.get("coherence_mean").asDouble());
        assertThat(r.validationNrmse()).isFinite().isPositive();
        assertThat(dev.quantumliquid.engine.model.ModelFiles.load(out).qubits()).isEqualTo(2);
    }

    @Test
    void refusesOverBudgetAndUnsupportedWiring(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 40);
        assertThatThrownBy(() -> TrainJob.run(opts(csv, dir.resolve("o"), "cfc", 1, 1, 0, "full", 1e-6), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("over the budget");
        assertThatThrownBy(() -> TrainJob.run(opts(csv, dir.resolve("o"), "ltc", 6, 1, 1, 0, "ncp", List.of(2, 2, 1, 1, 1, 1, 1), 50),
                s -> { }, e -> { })).isInstanceOf(TrainException.class).hasMessageContaining("--ncp has 5 neurons");
        assertThatThrownBy(() -> TrainJob.run(opts(csv, dir.resolve("o"), "ltc", 3, 1, 1, 0, "autoncp", List.of(), 50),
                s -> { }, e -> { })).isInstanceOf(TrainException.class).hasMessageContaining("less than units - 2");
    }

    /** Wired LTCs and CfCs train, and their model.json ships the ncps-exact wiring the generator made for the same seed. */
    @Test
    void wiredLtcShipsTheGeneratedWiring(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 60);
        List<TrainJob.Options> runs = List.of(
                opts(csv, dir.resolve("repo/a/1"), "ltc", 8, 1, 1, 0, "autoncp", List.of(), 50),
                opts(csv, dir.resolve("repo/n/1"), "ltc", 7, 1, 1, 0, "ncp", List.of(3, 2, 2, 2, 1, 1, 1), 50),
                opts(csv, dir.resolve("repo/r/1"), "ltc", 5, 1, 1, 0, "random", List.of(), 50),
                opts(csv, dir.resolve("repo/ca/1"), "cfc", 8, 1, 1, 0, "autoncp", List.of(), 50),
                opts(csv, dir.resolve("repo/cn/1"), "cfc", 7, 1, 1, 0, "ncp", List.of(3, 2, 2, 2, 1, 1, 1), 50));
        List<Wiring> expected = List.of(AutoNcpWiring.build(8, 1, 0.4, 1, 22222),
                NcpWiring.build(new NcpWiring.Params(3, 2, 2, 2, 1, 1, 1), 1, 22222), RandomWiring.build(5, 5, 0.4, 1, 1111),
                AutoNcpWiring.build(8, 1, 0.4, 1, 22222), NcpWiring.build(new NcpWiring.Params(3, 2, 2, 2, 1, 1, 1), 1, 22222));
        ObjectMapper m = new ObjectMapper();
        for (int i = 0; i < runs.size(); i++) {
            TrainJob.Options o = runs.get(i);
            TrainJob.Result r = TrainJob.run(o, s -> { }, e -> { });
            assertThat(r.validationNrmse()).isFinite();
            JsonNode units = m.readTree(o.out().resolve("model.json").toFile()).get("layers").get(1).get("spec").get("units");
            assertThat(units).as(o.wiring()).isEqualTo(m.readTree(expected.get(i).toJson().toString()));
            assertThat(dev.quantumliquid.engine.model.ModelFiles.load(o.out())).isNotNull();
        }
    }

    private static TrainJob.Options four(Path csv, Path out, long seed, int threads, boolean resume) {
        return new TrainJob.Options(csv, List.of("x"), List.of("x"), null, null, 6, 1, "cfc", 3, "full", 0.4, 1111, List.of(), 0, 0, 0.0,
                1.0, 50, new Trainer.Config(4, 8, 0.02, 0.0, 1.0, seed, threads, 0.25, 0, 0), out, resume);
    }

    /** Interrupted after epoch 2 and resumed: the same weights, Adam state and losses as 4 epochs straight, to the bit. */
    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 60);
        Path a = dir.resolve("repo/a/1");
        Path b = dir.resolve("repo/b/1");
        TrainJob.Result straight = TrainJob.run(four(csv, a, 7, 1, false), s -> { }, e -> { });
        class Killed extends RuntimeException {
        }
        assertThatThrownBy(() -> TrainJob.run(four(csv, b, 7, 2, false), s -> { }, e -> {
            if (e.epoch() == 2) {
                throw new Killed();
            }
        })).isInstanceOf(Killed.class);
        assertThat(b.resolve("model.json")).doesNotExist();
        var fp = TrainJob.fingerprint(four(csv, b, 7, 1, false), TrainJob.sha256(Files.readAllBytes(csv)));
        assertThat(Checkpoint.read(b.resolve("checkpoint"), fp).epoch()).isEqualTo(2);
        List<Integer> seen = new java.util.ArrayList<>();
        TrainJob.Result resumed = TrainJob.run(four(csv, b, 7, 1, true), s -> { }, e -> seen.add(e.epoch()));
        assertThat(seen).containsExactly(3, 4);
        Checkpoint.State x = Checkpoint.read(a.resolve("checkpoint"), fp);
        Checkpoint.State y = Checkpoint.read(b.resolve("checkpoint"), fp);
        assertThat(y.epoch()).isEqualTo(4);
        assertThat(y.parameters()).containsExactly(x.parameters());
        assertThat(y.best()).containsExactly(x.best());
        assertThat(y.adamM()).containsExactly(x.adamM());
        assertThat(y.adamV()).containsExactly(x.adamV());
        assertThat(y.adamSteps()).isEqualTo(x.adamSteps());
        assertThat(resumed.epochs()).extracting(Trainer.Epoch::validationLoss)
                .containsExactlyElementsOf(straight.epochs().stream().map(Trainer.Epoch::validationLoss).toList());
        assertThat(Files.readAllBytes(b.resolve("weights.safetensors"))).isEqualTo(Files.readAllBytes(a.resolve("weights.safetensors")));
        assertThat(resumed.validationNrmse()).isEqualTo(straight.validationNrmse());

        assertThatThrownBy(() -> TrainJob.run(four(csv, b, 8, 1, true), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessage("--resume: the checkpoint was made with seed 7, this run has 8");
        MackeyGlass.write(csv, 61);
        assertThatThrownBy(() -> TrainJob.run(four(csv, b, 7, 1, true), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageStartingWith("--resume: the checkpoint was made with data sha256 ");
        assertThatThrownBy(() -> TrainJob.run(four(csv, dir.resolve("repo/c/1"), 7, 1, true), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("no checkpoint at");
    }
}
