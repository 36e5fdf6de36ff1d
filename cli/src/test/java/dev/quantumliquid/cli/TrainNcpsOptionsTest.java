package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The liquid layer's ncps options on {@code qlnn train} (--mode, --backbone-*, --mixed-memory, --ncps-defaults)
 * reach the written model.json as ncps names them, options an architecture does not have are refused
 * naming them, and --test holds windows back and reports on them.
 */
class TrainNcpsOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Cli.Run train(Path csv, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", csv.toString(), "--features", "x", "--targets", "x",
                "--window", "6", "--epochs", "1", "--batch", "8", "--threads", "1", "--out", out.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static JsonNode rnnSpec(Path out) throws Exception {
        JsonNode model = JSON.readTree(out.resolve("model.json").toFile());
        return model.findParent("backbone_units") != null ? model.findParent("backbone_units") : model.findParent("mixed_memory");
    }

    @Test
    void ncpsDefaultsAndExplicitOptionsReachTheModel(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "80").code()).isZero();

        Path a = dir.resolve("a/1");
        Cli.Run r = train(csv, a, "--arch", "cfc", "--units", "4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(rnnSpec(a).get("backbone_units").asInt()).as("qlnn's default: max(8, units)").isEqualTo(8);

        Path b = dir.resolve("b/1");
        r = train(csv, b, "--arch", "cfc", "--units", "4", "--ncps-defaults", "--energy-budget-uw", "100000");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode s = rnnSpec(b);
        assertThat(s.get("backbone_units").asInt()).isEqualTo(128);
        assertThat(s.get("backbone_layers").asInt()).isEqualTo(1);
        assertThat(s.get("mode").asText()).isEqualTo("default");
        assertThat(s.get("mixed_memory").asBoolean()).isFalse();

        Path c = dir.resolve("c/1");
        r = train(csv, c, "--arch", "cfc", "--units", "4", "--backbone-units", "6", "--backbone-layers", "2", "--mode", "no_gate",
                "--mixed-memory");
        assertThat(r.code()).as(r.err()).isZero();
        s = rnnSpec(c);
        assertThat(s.get("backbone_units").asInt()).isEqualTo(6);
        assertThat(s.get("backbone_layers").asInt()).isEqualTo(2);
        assertThat(s.get("mode").asText()).isEqualTo("no_gate");
        assertThat(s.get("mixed_memory").asBoolean()).isTrue();
        JsonNode cfg = JSON.readTree(c.resolve("report.json").toFile()).get("config");
        assertThat(cfg.get("backbone-units").asInt()).isEqualTo(6);
        assertThat(cfg.get("mixed-memory").asBoolean()).isTrue();

        Path d = dir.resolve("d/1");
        r = train(csv, d, "--arch", "ltc", "--units", "8", "--wiring", "autoncp", "--ncps-defaults");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(JSON.readTree(d.resolve("report.json").toFile()).get("config").get("sparsity").asDouble())
                .as("AutoNCP's sparsity_level default").isEqualTo(0.5);
    }

    @Test
    void backboneDropoutTrainsAndReachesTheModel(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "80").code()).isZero();
        Path out = dir.resolve("p/1");
        Cli.Run r = train(csv, out, "--arch", "cfc", "--units", "4", "--backbone-layers", "3", "--backbone-dropout", "0.25");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(rnnSpec(out).get("backbone_dropout").asDouble()).isEqualTo(0.25);
        // ncps's Sequential with dropout: Linear, act, Dropout per layer, so the third Linear is backbone.5
        byte[] st = java.nio.file.Files.readAllBytes(out.resolve("weights.safetensors"));
        long headerLength = java.nio.ByteBuffer.wrap(st, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(JSON.readTree(new String(st, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8)).toString())
                .contains("backbone.5.weight").doesNotContain("backbone.4.weight");
        assertThat(JSON.readTree(out.resolve("report.json").toFile()).get("config").get("backbone-dropout").asDouble()).isEqualTo(0.25);
    }

    @Test
    void refusesOptionsTheArchitectureDoesNotHave(@TempDir Path dir) {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "60");
        String[][] cases = {
            {"--arch", "ltc", "--units", "4", "--backbone-units", "16", "are for a CfC without a wiring"},
            {"--arch", "cfc", "--units", "8", "--wiring", "autoncp", "--backbone-layers", "2", "are for a CfC without a wiring"},
            {"--arch", "cfc", "--units", "4", "--backbone-dropout", "1", "--backbone-dropout must be in [0, 1), got 1.0"},
            {"--arch", "cfc", "--units", "4", "--backbone-dropout", "-0.2", "--backbone-dropout must be in [0, 1), got -0.2"},
            {"--arch", "cfc", "--units", "4", "--backbone-dropout", "0.3", "--mixed-memory",
                "--backbone-dropout above 0 is trained without --mixed-memory, got --backbone-dropout 0.3 --mixed-memory"},
            {"--arch", "ltc", "--units", "4", "--mode", "pure", "--mode is a CfC option"},
            {"--arch", "cfc", "--units", "4", "--mode", "fast", "--mode must be default, pure or no_gate, got 'fast'"},
            {"--arch", "cfc", "--units", "8", "--wiring", "autoncp", "--mixed-memory", "a wired CfC"},
            {"--arch", "cfc", "--units", "4", "--test", "1.5", "--test must be a fraction in [0, 1), got 1.5"}};
        for (String[] c : cases) {
            Cli.Run r = train(csv, dir.resolve("o"), java.util.Arrays.copyOf(c, c.length - 1));
            assertThat(r.code()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[c.length - 1]).doesNotContain("Exception");
        }
    }

    @Test
    void testFractionHoldsWindowsBackAndReportsOnThem(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "100");
        Path out = dir.resolve("t/1");
        Cli.Run r = train(csv, out, "--arch", "cfc", "--units", "4", "--test", "0.25");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"one_step_nrmse\"");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        // 100 rows, windows of 6 + horizon 1: 94 windows; the last round(94 * 0.25) = 24 are the test split
        assertThat(report.get("test").get("test_windows").asInt()).isEqualTo(24);
        assertThat(report.get("final").get("validation_windows").asInt()).as("validation: 20% of the other 70").isEqualTo(14);
        assertThat(report.get("test").get("one_step_nrmse").asDouble()).isFinite().isPositive()
                .isNotEqualTo(report.get("final").get("one_step_nrmse").asDouble());
        assertThat(report.get("config").get("test").asDouble()).isEqualTo(0.25);
        assertThat(report.get("trained_parameters").asInt()).isEqualTo(report.get("parameters").asInt() - 4);
    }

    @Test
    void ablateCircuitTrainsTheCircuitFreeTwinAndReportsBoth(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("mg.csv");
        Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "80");
        Path out = dir.resolve("q/1");
        Cli.Run r = train(csv, out, "--arch", "ltc", "--units", "8", "--wiring", "autoncp", "--qubits", "2", "--ablate-circuit");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode twin = JSON.readTree(out.resolve("ablation/report.json").toFile());
        assertThat(report.get("ablation").get("final")).isEqualTo(twin.get("final"));
        assertThat(report.get("ablation").get("epochs")).isEqualTo(twin.get("epochs"));
        assertThat(twin.get("config").get("qubits").asInt()).isZero();
        assertThat(report.get("final").has("coherence_mean")).isTrue();
        assertThat(twin.get("final").has("coherence_mean")).isFalse();
        assertThat(JSON.readTree(out.resolve("ablation/model.json").toFile()).toString()).doesNotContain("\"pqc\"");
        Cli.Run none = train(csv, dir.resolve("n/1"), "--arch", "ltc", "--units", "8", "--ablate-circuit");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--ablate-circuit").contains("--qubits > 0");
    }
}
