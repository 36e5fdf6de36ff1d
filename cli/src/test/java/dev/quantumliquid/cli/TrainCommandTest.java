package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @Test
    void trainsMackeyGlassIntoALoadableVersionWithJsonLines(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60").code()).isZero();
        Path out = dir.resolve("repo/mg/1");
        Cli.Run r = Cli.run("train", "--data", csv.toString(), "--features", "x", "--targets", "x", "--window", "6",
                "--horizon", "1", "--arch", "cfc", "--units", "3", "--epochs", "2", "--batch", "8", "--lr", "0.01",
                "--seed", "3", "--threads", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outLines()).anyMatch(l -> l.contains("\"event\":\"epoch\""));
        assertThat(r.outLines()).anyMatch(l -> l.contains("\"event\":\"done\""));
        assertThat(Cli.run("inspect", "--model", out.toString()).code()).isZero();
        assertThat(out.resolve("checkpoint/state.bin")).exists();
        // The dataset's own file (columns t, x) goes straight into predict: the model names its input x.
        Cli.Run p = Cli.run("predict", "--model", out.toString(), "--input", csv.toString(), "--output", dir.resolve("p.csv").toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains(csv + ": columns x by name (model.json input_names)");
        Cli.Run other = Cli.run("train", "--data", csv.toString(), "--features", "x", "--targets", "x", "--window", "6",
                "--horizon", "1", "--arch", "cfc", "--units", "3", "--epochs", "2", "--batch", "8", "--lr", "0.01",
                "--seed", "4", "--threads", "1", "--out", out.toString(), "--resume");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("checkpoint was made with seed 3, this run has 4");
    }

    @Test
    void trainsAnAutoNcpWiredLtc(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60").code()).isZero();
        Path out = dir.resolve("repo/mg/1");
        Cli.Run r = Cli.run("train", "--data", csv.toString(), "--features", "x", "--targets", "x", "--window", "6",
                "--arch", "ltc", "--units", "8", "--wiring", "autoncp", "--sparsity", "0.5", "--epochs", "1", "--batch", "8",
                "--threads", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Cli.run("inspect", "--model", out.toString()).code()).isZero();
        Cli.Run bad = Cli.run("train", "--data", csv.toString(), "--features", "x", "--targets", "x", "--window", "6",
                "--arch", "ltc", "--units", "8", "--wiring", "ncp", "--epochs", "1", "--out", dir.resolve("o").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--ncp");
    }

    @Test
    void refusesMissingColumnWithExitTwo(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60");
        Cli.Run r = Cli.run("train", "--data", csv.toString(), "--features", "nope", "--targets", "x", "--window", "6",
                "--arch", "cfc", "--units", "3", "--epochs", "1", "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no column 'nope'");
    }

    @Test
    void refusesOptimiserSettingsOutOfRangeNamingTheFlagAndValue(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60");
        String[][] cases = {{"--epochs", "0", "--epochs must be >= 1, got 0"}, {"--batch", "0", "--batch must be >= 1, got 0"},
            {"--lr", "-0.5", "--lr must be a finite number > 0, got -0.5"}, {"--threads", "0", "--threads must be >= 1, got 0"}};
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data", csv.toString(), "--features", "x",
                    "--targets", "x", "--window", "6", "--arch", "cfc", "--units", "3", "--epochs", "1", "--out", dir.resolve("o").toString()));
            int at = args.indexOf(c[0]);
            if (at >= 0) {
                args.set(at + 1, c[1]);
            } else {
                args.add(c[0]);
                args.add(c[1]);
            }
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[2]).doesNotContain("Exception");
        }
    }

    @Test
    void classifiesFromALabelColumnAndReportsAccuracy(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sign.csv");
        StringBuilder b = new StringBuilder("s,label\n");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        double[] s = new double[300];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextGaussian();
            double sum = 0;
            for (int k = Math.max(0, i - 5); k <= i; k++) {
                sum += s[k];
            }
            b.append(String.format(java.util.Locale.ROOT, "%.5f,%d%n", s[i], sum > 0 ? 1 : 0));
        }
        java.nio.file.Files.writeString(csv, b);
        Path out = dir.resolve("repo/sign/1");
        Cli.Run r = Cli.run("train", "--data", csv.toString(), "--features", "s", "--label", "label", "--window", "6",
                "--arch", "cfc", "--units", "4", "--epochs", "2", "--batch", "16", "--threads", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.outLines()).anyMatch(l -> l.contains("\"event\":\"done\"") && l.contains("\"accuracy\":"));
        var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("task").asText()).isEqualTo("classification");
        assertThat(report.get("output_names").toString()).isEqualTo("[\"0\",\"1\"]");
        Cli.Run both = Cli.run("train", "--data", csv.toString(), "--features", "s", "--label", "label", "--targets", "s",
                "--window", "6", "--arch", "cfc", "--units", "4", "--epochs", "1", "--out", dir.resolve("o").toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("exclude each other");
        Cli.Run horizon = Cli.run("train", "--data", csv.toString(), "--features", "s", "--label", "label", "--horizon", "2",
                "--window", "6", "--arch", "cfc", "--units", "4", "--epochs", "1", "--out", dir.resolve("o").toString());
        assertThat(horizon.err()).contains("--horizon is for forecasting");
        Cli.Run missing = Cli.run("train", "--data", csv.toString(), "--features", "s", "--label", "nope",
                "--window", "6", "--arch", "cfc", "--units", "4", "--epochs", "1", "--out", dir.resolve("o").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no column 'nope'");
    }

    @Test
    void refusesANonEmptyOutBeforeTrainingUnlessForced(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60");
        Path out = dir.resolve("repo/mg/1");
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.writeString(out.resolve("model.json"), "{}");
        String[] args = {"train", "--data", csv.toString(), "--features", "x", "--targets", "x", "--window", "6", "--arch", "cfc",
            "--units", "3", "--epochs", "1", "--batch", "8", "--threads", "1", "--out", out.toString()};
        Cli.Run r = Cli.run(args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: --out " + out + ": not empty (use --force to replace the model in it, or another folder)\n");
        assertThat(r.out()).isEmpty(); // nothing ran: no energy line, no epoch
        assertThat(java.nio.file.Files.readString(out.resolve("model.json"))).isEqualTo("{}");
        java.util.List<String> forced = new java.util.ArrayList<>(java.util.List.of(args));
        forced.add("--force");
        Cli.Run f = Cli.run(forced.toArray(String[]::new));
        assertThat(f.code()).as(f.err()).isZero();
        assertThat(Cli.run("inspect", "--model", out.toString()).code()).isZero();
    }

    @Test
    void argumentErrorsComeBeforeReadingTheData(@TempDir Path dir) {
        Path missing = dir.resolve("no-such.csv");
        String[][] cases = {{"--arch", "gru", "--arch must be cfc or ltc, got 'gru'"},
            {"--wiring", "star", "--wiring must be full, random, ncp or autoncp, got 'star'"},
            {"--batch", "0", "--batch must be >= 1, got 0"}};
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data", missing.toString(), "--features",
                    "x", "--targets", "x", "--window", "6", "--arch", "cfc", "--units", "3", "--epochs", "1", "--out",
                    dir.resolve("o").toString()));
            int at = args.indexOf(c[0]);
            if (at >= 0) {
                args.set(at + 1, c[1]);
            } else {
                args.add(c[0]);
                args.add(c[1]);
            }
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[2]).doesNotContain("no-such.csv");
        }
    }

    @Test
    void helpStatesTheDefaultOfEveryOption() {
        picocli.CommandLine train = Main.commandLine(java.util.Map.of()).getSubcommands().get("train");
        for (picocli.CommandLine.Model.OptionSpec o : train.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp() || o.typeInfo().isBoolean() || o.longestName().equals("--config")
                    || o.longestName().equals("--label") || o.longestName().equals("--targets")) {
                continue; // flags default to off; --targets/--label: one of them is required, as the help says
            }
            assertThat(String.join(" ", o.description())).as(o.longestName()).containsAnyOf("Default:", "Required");
        }
        Cli.Run help = Cli.run("train", "--help");
        assertThat(help.out()).contains("Default: full").contains("Default: 32").contains("Default: 1.0");
    }

    @Test
    void liveProgressLineFormatAndRewrite() {
        var b = new dev.quantumliquid.train.run.Trainer.Batch(3, 20, 12, 40, 0.01234, 0.0150, 1234.4, 42.2);
        assertThat(ProgressLine.format(b)).isEqualTo("epoch 3/20 batch 12/40 loss 0.0123 val 0.0150 1234 samples/s ETA 00:42");
        assertThat(ProgressLine.format(new dev.quantumliquid.train.run.Trainer.Batch(1, 2, 1, 4, 0.5, Double.NaN, 10, 3725)))
                .isEqualTo("epoch 1/2 batch 1/4 loss 0.5000 val - 10 samples/s ETA 1:02:05");
        assertThat(ProgressLine.eta(Double.NaN)).isEqualTo("--:--");
        java.io.StringWriter sw = new java.io.StringWriter();
        ProgressLine p = new ProgressLine(new java.io.PrintWriter(sw));
        p.batch(b);
        p.epoch("done");
        String s = sw.toString();
        assertThat(s).startsWith("\repoch 3/20 batch 12/40").endsWith("\n").contains("\rdone ");
        assertThat(s.substring(s.indexOf("\rdone")).length()).isEqualTo(ProgressLine.format(b).length() + 2);
    }
}
