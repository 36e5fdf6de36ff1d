package dev.quantumliquid.cli;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.edge.EdgeCost;
import dev.quantumliquid.engine.edge.Toolchain;
import dev.quantumliquid.engine.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Measures a model on the emulated Cortex-M4F in a scratch folder that is removed afterwards. */
final class EdgeMeasure {
    private EdgeMeasure() {
    }

    static EdgeCost run(Model m) {
        Path dir;
        try {
            dir = Files.createTempDirectory("qlnn-edge-");
        } catch (IOException e) {
            throw new EngineException("cannot create a scratch folder for the measurement (" + e.getMessage() + ")", e);
        }
        try {
            return EdgeCost.measure(m, Toolchain.fromPath(), dir);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a scratch folder under the system temp directory
            }
        }
    }
}
