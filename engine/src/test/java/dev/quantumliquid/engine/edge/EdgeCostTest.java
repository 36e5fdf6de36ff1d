package dev.quantumliquid.engine.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.energy.InstructionEnergy;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Measured cost on the emulated Cortex-M4F against the operation-count estimate: within a factor of 2
 * on every fixture and the bundled model, and the bundled model inside the edge goals.
 */
class EdgeCostTest {
    private final Toolchain tc = Toolchain.fromPath();

    static List<EdgeModels.Named> models() {
        return EdgeModels.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void operationCountEstimateIsWithinTwiceTheMeasuredOne(EdgeModels.Named m, @TempDir Path dir) {
        EdgeModels.requireTool(tc, tc.armGcc());
        EdgeModels.requireTool(tc, tc.qemu());
        EnergyProfile p = EnergyProfile.load("cortex-m4f");
        EdgeCost c = EdgeCost.measure(m.model(), tc, dir);
        double rate = m.model().info().sampleRateHz();
        EnergyEstimate ops = EnergyEstimate.of(m.model(), p);
        InstructionEnergy measured = InstructionEnergy.of(c.instructionsPerStep(), rate, p);
        double ratio = measured.cyclesPerStep() / ops.cyclesPerStep();
        System.out.printf(Locale.ROOT, "edge-cost %-26s flash %6d ram %6d insn/step %9.1f (+-%.1f) cycles: measured %9.0f"
                + " op-count %9.0f ratio %.2f%n", m.name(), c.flashBytes(), c.ramBytes(), c.instructionsPerStep(),
                c.instructionsErrorPerStep(), measured.cyclesPerStep(), ops.cyclesPerStep(), ratio);
        assertThat(c.instructionsPerTick()).as("QEMU icount: 1 ns per instruction, SysTick at 25 MHz").isBetween(39.9, 40.1);
        assertThat(c.instructionsErrorPerStep()).isLessThan(0.01 * c.instructionsPerStep());
        assertThat(ratio).as(m + ": measured / operation-count cycles").isBetween(0.5, 2.0);
    }

    @Test
    void bundledModelMeetsTheEdgeGoals(@TempDir Path dir) {
        EdgeModels.requireTool(tc, tc.armGcc());
        EdgeModels.requireTool(tc, tc.qemu());
        Model demo = ModelFiles.load(EdgeModels.DEMO);
        EdgeCost c = EdgeCost.measure(demo, tc, dir);
        InstructionEnergy e = InstructionEnergy.of(c.instructionsPerStep(), 1.0, EnergyProfile.load("cortex-m4f"));
        assertThat(c.flashBytes()).as("flash").isLessThan(16 * 1024);
        assertThat(c.ramBytes()).as("static RAM").isLessThan(2 * 1024);
        assertThat(e.microwatts()).as("measured-instruction power at 1 Hz").isLessThan(50.0);
    }
}
