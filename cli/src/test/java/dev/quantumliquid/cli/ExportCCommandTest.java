package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.edge.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCCommandTest {
    private static final Path DEMO = Path.of(System.getProperty("basedir", "."), "..", "models", "quantum-liquid-demo", "1")
            .toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void writesTheHeaderAndSourceOfTheBundledModel() throws Exception {
        Cli.Run r = Cli.run("export-c", "--model", DEMO.toString(), "--out", tmp.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("qlnn_model.h", "qlnn_model.c", "1 inputs -> 1 outputs, state 8 floats");
        assertThat(Files.readString(tmp.resolve("qlnn_model.h"))).contains("#define QLNN_HAS_COHERENCE 1",
                "void qlnn_step(qlnn_state *s, const float x[QLNN_INPUTS], float dt,");
        assertThat(Files.readString(tmp.resolve("qlnn_model.c"))).contains("void qlnn_reset(qlnn_state *s)");
    }

    @Test
    void nameChangesThePrefix() throws Exception {
        Cli.Run r = Cli.run("export-c", "--model", DEMO.toString(), "--out", tmp.toString(), "--name", "pump");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("pump_model.h"))).contains("#define PUMP_INPUTS  1", "pump_state");
    }

    @Test
    void refusesABadNameAndAModelThatDoesNotFitInOneLine() {
        Cli.Run bad = Cli.run("export-c", "--model", DEMO.toString(), "--out", tmp.toString(), "--name", "9lives");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.errLines()).singleElement().asString().startsWith("qlnn: --name must be a lower-case C identifier")
                .contains("'9lives'");
        Cli.Run big = Cli.run("export-c", "--model", DEMO.toString(), "--out", tmp.toString(), "--max-ram", "256");
        assertThat(big.code()).isEqualTo(2);
        assertThat(big.errLines()).singleElement().asString()
                .matches("qlnn: model 'quantum-liquid-demo' needs \\d+ bytes of RAM .* limit of 256 bytes");
        assertThat(tmp.resolve("qlnn_model.c")).doesNotExist();
    }

    @Test
    void reportAndInspectShowBothPowerFigures() throws Exception {
        requireTools();
        Cli.Run r = Cli.run("export-c", "--model", DEMO.toString(), "--out", tmp.toString(), "--report");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("power at 1 Hz:\\s+[0-9.]+ uW \\(from operation counts, profile cortex-m4f\\)")
                .containsPattern("flash:\\s+\\d+ bytes").containsPattern("static RAM:\\s+\\d+ bytes")
                .containsPattern("instructions:\\s+[0-9.]+ per step").containsPattern("time per step:\\s+[0-9.]+ us at 80 MHz")
                .containsPattern("measured power:\\s+[0-9.]+ uW at 1 Hz");
        Cli.Run i = Cli.run("inspect", "--model", DEMO.toString(), "--measure", "--json");
        assertThat(i.code()).as(i.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(i.out());
        double ops = o.get("energy").get("power_uw").asDouble();
        double measured = o.get("measured").get("power_uw").asDouble();
        assertThat(measured).isBetween(ops / 2, ops * 2);
        assertThat(o.get("measured").get("flash_bytes").asLong()).isBetween(1L, 16L * 1024);
        assertThat(o.get("measured").get("ram_bytes").asLong()).isBetween(1L, 2L * 1024);
    }

    @Test
    void inspectWithoutMeasureSaysSo() {
        Cli.Run r = Cli.run("inspect", "--model", DEMO.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("measured power:\\s+not measured \\(qlnn inspect --measure");
    }

    private static void requireTools() {
        Toolchain tc = Toolchain.fromPath();
        boolean has = tc.has(tc.armGcc()) && tc.has(tc.qemu());
        if (!has && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("arm-none-eabi-gcc or qemu-system-arm missing; .ci/run installs them");
        }
        Assumptions.assumeTrue(has, "arm-none-eabi-gcc and qemu-system-arm not installed");
    }
}
