package dev.quantumliquid.engine.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/cortex-m4 builds with one make (the export step given the files qlnn export-c writes) and
 * its firmware, run on QEMU's mps2-an386, prints the bundled model's predictions for its sample stream.
 */
class FirmwareExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "cortex-m4");

    @Test
    void exampleBuildsWithMakeAndPrintsTheEnginesPredictions(@TempDir Path dir) throws IOException {
        Toolchain tc = Toolchain.fromPath();
        EdgeModels.requireTool(tc, "make");
        EdgeModels.requireTool(tc, tc.armGcc());
        EdgeModels.requireTool(tc, tc.qemu());
        try (Stream<Path> files = Files.list(EXAMPLE)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Model demo = ModelFiles.load(EdgeModels.DEMO);
        CExport.write(CExport.generate(demo, CExport.DEFAULT_NAME, CExport.Limits.DEFAULT), dir.resolve("build"));
        tc.run(dir, List.of("make", "MODEL=" + EdgeModels.DEMO.toAbsolutePath(), "EXPORT=true"));
        String out = tc.runTarget(dir.resolve("build").resolve("firmware.elf"));
        List<String> lines = out.strip().lines().toList();
        assertThat(lines).hasSize(24);
        Session s = demo.newSession();
        float[] y = new float[1];
        for (int k = 0; k < lines.size(); k++) {
            float x = 0.9f + 0.3f * (float) Math.sin(0.25f * k);
            float coh = s.step(new float[] {x}, 1f, y);
            String[] f = lines.get(k).split(" ");
            assertThat(f[0]).isEqualTo("x");
            assertThat(Double.parseDouble(f[1])).as("sample %d", k).isCloseTo(x, within(2e-4));
            assertThat(Double.parseDouble(f[4])).as("prediction %d", k).isCloseTo(y[0], within(2e-4));
            assertThat(Double.parseDouble(f[6])).as("coherence %d", k).isCloseTo(coh, within(2e-4));
        }
    }
}
