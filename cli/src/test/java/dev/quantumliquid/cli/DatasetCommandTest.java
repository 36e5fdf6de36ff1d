package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCommandTest {
    @Test
    void writesMackeyGlass(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mg.csv");
        Cli.Run r = Cli.run("dataset", "mackey-glass", "--out", out.toString(), "--length", "100");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(101);
        assertThat(lines.get(0)).isEqualTo("t,x"); // a plain header: pandas.read_csv and predict read it as is
        assertThat(dir.resolve("mg.json")).isRegularFile();
        assertThat(r.out()).contains(dir.resolve("mg.json").toString());
    }

    @Test
    void refusesZeroLengthWithExitTwo(@TempDir Path dir) {
        Cli.Run r = Cli.run("dataset", "mackey-glass", "--out", dir.resolve("x.csv").toString(), "--length", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--length");
    }
}
