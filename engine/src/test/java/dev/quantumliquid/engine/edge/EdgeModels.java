package dev.quantumliquid.engine.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.NcpsImport;
import dev.quantumliquid.engine.model.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/** The models the C export is checked on (every fixture and the bundled demo), their inputs and the engine's answers. */
final class EdgeModels {
    /** The bundled model, relative to the engine module. */
    static final Path DEMO = Path.of("..", "models", "quantum-liquid-demo", "1");
    /** Agreement required between C and the engine's float32 path, relative above magnitude 1. */
    static final double TOLERANCE = 1e-5;

    private EdgeModels() {
    }

    /** A model with a name for test reports. */
    record Named(String name, Model model) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Named> all() {
        List<Named> out = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.all("ncps")) {
            out.add(new Named(c.name(), NcpsImport.toModel(c.name(), c.spec(), c.weights())));
        }
        for (Fixtures.Case c : Fixtures.all("pqc")) {
            out.add(new Named(c.name(), Fixtures.pqcModel(c)));
        }
        out.add(new Named("quantum-liquid-demo", ModelFiles.load(DEMO)));
        return out;
    }

    /**
     * Two sequences of 12 steps from a fixed seed: inputs in [-2, 2], time spans irregular in
     * [0.05, 3] with every fourth step exactly 1 (the CfC's fused unit-span path).
     */
    static Harness.Sequences sequences(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int b = 2;
        int t = 12;
        float[][][] x = new float[b][t][m.inputSize()];
        float[][] dt = new float[b][t];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                for (int f = 0; f < m.inputSize(); f++) {
                    x[i][k][f] = (float) r.nextDouble(-2, 2);
                }
                dt[i][k] = k % 4 == 3 ? 1f : (float) r.nextDouble(0.05, 3);
            }
        }
        return new Harness.Sequences(x, dt);
    }

    /** The engine's float32 streaming path over the same sequences. */
    static Harness.Run engine(Model m, Harness.Sequences s) {
        int b = s.batch();
        int t = s.steps();
        float[][][] y = new float[b][t][m.outputSize()];
        float[][] q = new float[b][t];
        float[][] st = new float[b][];
        for (int i = 0; i < b; i++) {
            Session session = m.newSession();
            for (int k = 0; k < t; k++) {
                q[i][k] = session.step(s.x()[i][k], s.dt()[i][k], y[i][k]);
            }
            st[i] = session.exportState();
        }
        return new Harness.Run(y, q, st, new Harness.Timing(0, 0, 0, (long) b * t));
    }

    /** Asserts C's run equals the engine's within {@link #TOLERANCE}: every output, coherence and final state. */
    static void assertClose(String what, Model m, Harness.Run c, Harness.Run e) {
        for (int i = 0; i < e.y().length; i++) {
            for (int k = 0; k < e.y()[i].length; k++) {
                for (int j = 0; j < m.outputSize(); j++) {
                    close(what + " output[" + i + "][" + k + "][" + j + "]", c.y()[i][k][j], e.y()[i][k][j]);
                }
                if (m.hasCoherence()) {
                    close(what + " coherence[" + i + "][" + k + "]", c.coherence()[i][k], e.coherence()[i][k]);
                } else {
                    assertThat(c.coherence()[i][k]).as(what + " coherence without a circuit").isNaN();
                }
            }
            for (int j = 0; j < m.stateSize(); j++) {
                close(what + " final state[" + i + "][" + j + "]", c.state()[i][j], e.state()[i][j]);
            }
        }
    }

    private static void close(String what, float got, float want) {
        assertThat(Float.isFinite(want)).as(what + " engine value finite").isTrue();
        assertThat((double) Math.abs(got - want)).as(what + ": C " + got + ", engine " + want)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1.0, Math.abs(want)));
    }

    /**
     * Skips when {@code tool} is missing on a developer's machine; fails under CI=true, where .ci/run
     * installs it.
     */
    static void requireTool(Toolchain tc, String tool) {
        boolean has = tc.has(tool);
        if (!has && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(tool + " is missing; .ci/run installs gcc-arm-none-eabi,"
                    + " libnewlib-arm-none-eabi and qemu-system-arm");
        }
        Assumptions.assumeTrue(has, tool + " not installed");
    }

    static Path dir(Path root, String name) throws java.io.IOException {
        return Files.createDirectories(root.resolve(name));
    }
}
