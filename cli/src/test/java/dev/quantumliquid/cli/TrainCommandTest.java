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
    void liveProgressLineFormatAndRewrite() {
        var b = new dev.quantumliquid.train.Trainer.Batch(3, 20, 12, 40, 0.01234, 0.0150, 1234.4, 42.2);
        assertThat(ProgressLine.format(b)).isEqualTo("epoch 3/20 batch 12/40 loss 0.0123 val 0.0150 1234 samples/s ETA 00:42");
        assertThat(ProgressLine.format(new dev.quantumliquid.train.Trainer.Batch(1, 2, 1, 4, 0.5, Double.NaN, 10, 3725)))
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
