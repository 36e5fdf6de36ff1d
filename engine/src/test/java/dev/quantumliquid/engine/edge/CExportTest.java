package dev.quantumliquid.engine.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported C of every fixture and the bundled model, compiled with warnings as errors, run on the
 * host and on QEMU's emulated Cortex-M4F (mps2-an386), equals the engine's float32 path within 1e-5:
 * every output, coherence and final state over sequences with irregular time spans.
 */
class CExportTest {
    private final Toolchain tc = Toolchain.fromPath();

    static List<EdgeModels.Named> models() {
        return EdgeModels.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void hostBuildMatchesTheEngine(EdgeModels.Named m, @TempDir Path dir) {
        EdgeModels.requireTool(tc, tc.hostCc());
        CExport.Files f = CExport.generate(m.model(), CExport.DEFAULT_NAME, CExport.Limits.DEFAULT);
        Harness.Sequences s = EdgeModels.sequences(m.model(), 7);
        Harness.Run c = Harness.runHost(tc, f, s, m.model().outputSize(), dir);
        EdgeModels.assertClose(m + " on the host", m.model(), c, EdgeModels.engine(m.model(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void cortexM4fBuildOnQemuMatchesTheEngine(EdgeModels.Named m, @TempDir Path dir) {
        EdgeModels.requireTool(tc, tc.armGcc());
        EdgeModels.requireTool(tc, tc.qemu());
        CExport.Files f = CExport.generate(m.model(), CExport.DEFAULT_NAME, CExport.Limits.DEFAULT);
        Harness.Sequences s = EdgeModels.sequences(m.model(), 11);
        Harness.Run c = Harness.runTarget(tc, f, s, m.model().outputSize(), dir);
        EdgeModels.assertClose(m + " on the Cortex-M4F", m.model(), c, EdgeModels.engine(m.model(), s));
        assertThat(c.timing().runTicks()).as("SysTick advanced over the steps").isPositive();
    }

    @Test
    void theHeaderDeclaresTheContract() {
        Model demo = EdgeModels.all().getLast().model();
        CExport.Files f = CExport.generate(demo, CExport.DEFAULT_NAME, CExport.Limits.DEFAULT);
        assertThat(f.headerName()).isEqualTo("qlnn_model.h");
        assertThat(f.sourceName()).isEqualTo("qlnn_model.c");
        assertThat(f.header())
                .contains("#define QLNN_INPUTS  1\n", "#define QLNN_OUTPUTS 1\n", "#define QLNN_STATE_FLOATS 8\n",
                        "#define QLNN_HAS_COHERENCE 1\n", "typedef struct { float v[QLNN_STATE_FLOATS]; } qlnn_state;",
                        "void qlnn_reset(qlnn_state *s);",
                        "void qlnn_step(qlnn_state *s, const float x[QLNN_INPUTS], float dt,\n"
                                + "               float y[QLNN_OUTPUTS], float *coherence);");
        assertThat(f.source()).contains("#include <math.h>").doesNotContain("malloc", "#include <stdio.h>",
                "#include <stdlib.h>", "double");
    }

    @Test
    void theNameChangesOnlyThePrefix() {
        Model demo = EdgeModels.all().getLast().model();
        CExport.Files f = CExport.generate(demo, "pump7", CExport.Limits.DEFAULT);
        assertThat(f.headerName()).isEqualTo("pump7_model.h");
        assertThat(f.header()).contains("#define PUMP7_INPUTS  1", "} pump7_state;", "void pump7_step(pump7_state *s")
                .doesNotContain("qlnn_", "QLNN_");
        assertThat(f.source()).doesNotContain("qlnn_", "QLNN_");
        assertThatThrownBy(() -> CExport.checkName("Bad-Name")).isInstanceOf(EngineException.class)
                .hasMessageContaining("--name").hasMessageContaining("Bad-Name");
    }

    @Test
    void aModelThatDoesNotFitIsRefusedInOneLine() {
        Model q6 = Fixtures.pqcModel(Fixtures.get("pqc", "pqc_q6_l3"));
        assertThatThrownBy(() -> CExport.generate(q6, "qlnn", new CExport.Limits(512 * 1024, 1024)))
                .isInstanceOf(EngineException.class)
                .hasMessageMatching("model 'pqc_q6_l3' needs \\d+ bytes of RAM .*more than the target's limit of 1024 bytes")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> CExport.generate(q6, "qlnn", new CExport.Limits(100, 64 * 1024)))
                .isInstanceOf(EngineException.class).hasMessageContaining("limit of 100 bytes");
    }
}
