package dev.quantumliquid.engine.edge;

import dev.quantumliquid.engine.energy.EnergyProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeCostProbeTest {
    @Test
    void probe(@TempDir Path dir) {
        Toolchain tc = Toolchain.fromPath();
        EnergyProfile p = EnergyProfile.load("cortex-m4f");
        for (EdgeModels.Named m : EdgeModels.all()) {
            EdgeCost c = EdgeCost.measure(m.model(), tc, dir.resolve(m.name()));
            var ops = m.model().opsPerStep();
            System.out.printf("PROBE %-28s flash %7d ram %7d insn/step %10.1f (+-%.1f) opcycles %10.0f ops %s%n", m.name(),
                    c.flashBytes(), c.ramBytes(), c.instructionsPerStep(), c.instructionsErrorPerStep(), p.cyclesFor(ops), ops);
        }
    }
}
