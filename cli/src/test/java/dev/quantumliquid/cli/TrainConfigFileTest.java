package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.train.run.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** qlnn train --config FILE: YAML or JSON sets any option, the command line wins, errors name the key. */
class TrainConfigFileTest {
    /** The options a command line (with its config file) resolves to, without training. */
    static TrainJob.Options resolve(String... args) {
        TrainCommand cmd = new TrainCommand(Map.of());
        CommandLine cl = new CommandLine(cmd);
        cl.parseArgs(args);
        return cmd.options();
    }

    @Test
    void yamlSetsEveryKindOfOptionAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("run.yaml");
        Files.writeString(cfg, """
                # a training run
                data: data/mg.csv
                features: [x]
                targets: x
                window: 12
                horizon: 2
                arch: ltc
                units: 8
                wiring: autoncp
                sparsity: 0.5
                wiring_seed: 7
                qubits: 3
                qlayers: 2
                dephasing: 0.01
                sample-rate-hz: 2.5
                epochs: 3
                lr: 0.005
                seed: 9
                out: out/m/1
                resume: true
                """);
        TrainJob.Options o = resolve("--config", cfg.toString(), "--epochs", "5", "--features", "x,y");
        assertThat(o.data()).isEqualTo(dir.resolve("data/mg.csv")); // relative to the config file
        assertThat(o.out()).isEqualTo(dir.resolve("out/m/1"));
        assertThat(o.features()).containsExactly("x", "y"); // command line, not [x]
        assertThat(o.targets()).containsExactly("x");
        assertThat(o.window()).isEqualTo(12);
        assertThat(o.horizon()).isEqualTo(2);
        assertThat(o.arch()).isEqualTo("ltc");
        assertThat(o.units()).isEqualTo(8);
        assertThat(o.wiring()).isEqualTo("autoncp");
        assertThat(o.sparsity()).isEqualTo(0.5);
        assertThat(o.wiringSeed()).isEqualTo(7L);
        assertThat(o.qubits()).isEqualTo(3);
        assertThat(o.qlayers()).isEqualTo(2);
        assertThat(o.dephasing()).isEqualTo(0.01);
        assertThat(o.sampleRateHz()).isEqualTo(2.5);
        assertThat(o.train().epochs()).isEqualTo(5); // command line
        assertThat(o.train().lr()).isEqualTo(0.005);
        assertThat(o.train().seed()).isEqualTo(9L);
        assertThat(o.train().batch()).isEqualTo(32); // neither: the default
        assertThat(o.resume()).isTrue();
    }

    @Test
    void jsonFileWithALabelAndNcpList(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("run.json");
        Files.writeString(cfg, """
                {"data": "/abs/d.csv", "features": ["a", "b"], "label": "y", "window": 4, "arch": "cfc", "units": 8,
                 "wiring": "ncp", "ncp": [3, 3, 2, 2, 2, 1, 2], "epochs": 1, "out": "o"}""");
        TrainJob.Options o = resolve("--config", cfg.toString());
        assertThat(o.data()).isEqualTo(Path.of("/abs/d.csv"));
        assertThat(o.label()).isEqualTo("y");
        assertThat(o.targets()).isEmpty();
        assertThat(o.classification()).isTrue();
        assertThat(o.ncp()).containsExactly(3, 3, 2, 2, 2, 1, 2);
    }

    @Test
    void unknownKeysWrongTypesAndMissingOptionsAreOneLineErrorsWithExitTwo(@TempDir Path dir) throws Exception {
        Path unknown = dir.resolve("u.yaml");
        Files.writeString(unknown, "data: d.csv\nwindw: 3\n");
        Cli.Run r = Cli.run("train", "--config", unknown.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("u.yaml: unknown key 'windw'").contains("window");

        Path type = dir.resolve("t.yaml");
        Files.writeString(type, "window: \"32\"\n");
        r = Cli.run("train", "--config", type.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("t.yaml: key 'window' must be a whole number, got a text \"32\"");

        Files.writeString(type, "features: {x: 1}\n");
        r = Cli.run("train", "--config", type.toString());
        assertThat(r.err()).contains("key 'features' must be a list of names, got a mapping");

        Files.writeString(type, "lr: fast\n");
        assertThat(Cli.run("train", "--config", type.toString()).err()).contains("key 'lr' must be a number, got a text \"fast\"");

        Files.writeString(type, "resume: 1\n");
        assertThat(Cli.run("train", "--config", type.toString()).err()).contains("key 'resume' must be true or false");

        Files.writeString(type, "window: [1\n");
        r = Cli.run("train", "--config", type.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("t.yaml: not valid YAML");

        Files.writeString(type, "window: 32\nunits 8\nepochs: 3\n"); // the colon is missing on line 2
        r = Cli.run("train", "--config", type.toString());
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("t.yaml: not valid YAML (while scanning a simple key (line 2, column 1): could not find"
                + " expected ':' (line 3, column 1))").doesNotContain("?").doesNotContain("^");

        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "data: d.csv\nfeatures: [x]\ntargets: [x]\nwindow: 4\narch: cfc\nunits: 3\nout: o\n");
        r = Cli.run("train", "--config", ok.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--epochs=E' (on the command line or in " + ok + ")");

        Path txt = dir.resolve("c.txt");
        Files.writeString(txt, "x");
        assertThat(Cli.run("train", "--config", txt.toString()).err()).contains("must end in .yaml, .yml or .json");
        assertThat(Cli.run("train", "--config", dir.resolve("none.yaml").toString()).err()).contains("none.yaml: not found");
    }

    @Test
    void trainsFromAConfigFileAndTheReportStatesTheResolvedConfig(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60").code()).isZero();
        Path cfg = dir.resolve("run.yml");
        Files.writeString(cfg, "data: mg.csv\nfeatures: [x]\ntargets: [x]\nwindow: 6\narch: cfc\nunits: 3\nepochs: 1\nbatch: 8\n"
                + "threads: 1\nout: repo/mg/1\n");
        Cli.Run r = Cli.run("train", "--config", cfg.toString(), "--seed", "4");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(dir.resolve("repo/mg/1/report.json").toFile());
        assertThat(report.get("config").get("data").asText()).isEqualTo(csv.toString());
        assertThat(report.get("config").get("seed").asLong()).isEqualTo(4);
        assertThat(report.get("config").get("window").asInt()).isEqualTo(6);
        assertThat(List.of(report.get("config").get("targets").get(0).asText())).containsExactly("x");
    }
}
