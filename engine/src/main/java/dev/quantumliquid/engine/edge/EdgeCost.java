package dev.quantumliquid.engine.edge;

import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What an exported model costs on the Cortex-M4F, measured rather than estimated:
 * <ul>
 * <li>flash (text + data) and static RAM (data + bss) of a minimal firmware: the board's startup and
 *     services, the model, and a loop stepping it (arm-none-eabi-size); the stack is not included;</li>
 * <li>instructions per step executed on QEMU's mps2-an386 under {@code -icount shift=0}, where the
 *     virtual clock advances 1 ns per instruction and SysTick counts that clock: the ticks over all the
 *     steps, times the instructions per tick calibrated on a loop of exactly 2 x {@link Harness#SPIN}
 *     instructions, minus an empty timing window, over the steps. The tick quantum (40 instructions on
 *     this board) bounds the error at 2 ticks over the whole run; the loop around each step (a few
 *     instructions) is included.</li>
 * </ul>
 */
public record EdgeCost(long textBytes, long dataBytes, long bssBytes, double instructionsPerStep, long steps,
        double instructionsPerTick) {

    /** Bytes of flash the firmware needs: code and constants plus the initial values of data. */
    public long flashBytes() {
        return textBytes + dataBytes;
    }

    /** Bytes of static RAM: initialised data and zeroed bss (state, scratch, buffers), stack excluded. */
    public long ramBytes() {
        return dataBytes + bssBytes;
    }

    /** Upper bound of the measurement error of {@link #instructionsPerStep()}, in instructions per step. */
    public double instructionsErrorPerStep() {
        return 2 * instructionsPerTick / steps;
    }

    /** Steps the instruction count averages over: 4 sequences of 16 steps. */
    static final int SEQUENCES = 4;
    static final int STEPS = 16;

    /**
     * Measures {@code model}'s export in {@code dir} (created; left with the sources and ELFs): inputs
     * uniform in [-1, 1] from a fixed seed, time span 1 / sample rate.
     */
    public static EdgeCost measure(Model model, Toolchain tc, Path dir) {
        CExport.Files f = CExport.generate(model, CExport.DEFAULT_NAME, CExport.Limits.DEFAULT);
        Path fw = dir.resolve("firmware");
        Path run = dir.resolve("run");
        Harness.Run r = Harness.runTarget(tc, f, sequences(model), model.outputSize(), run);
        CExport.write(f, fw);
        Toolchain.copyBoardFiles(fw);
        Harness.write(fw.resolve("main.c"), minimalMain(f));
        Path elf = fw.resolve("firmware.elf");
        tc.buildTarget(fw, List.of(f.sourceName(), "main.c"), elf);
        long[] size = tc.size(elf);
        Harness.Timing t = r.timing();
        double perTick = 2.0 * Harness.SPIN / (t.calibrationTicks() - t.emptyTicks());
        double perStep = (t.runTicks() - t.emptyTicks()) * perTick / t.steps();
        return new EdgeCost(size[0], size[1], size[2], perStep, t.steps(), perTick);
    }

    static Harness.Sequences sequences(Model m) {
        SplittableRandom r = new SplittableRandom(20261204L);
        float dt = (float) (1.0 / m.info().sampleRateHz());
        float[][][] x = new float[SEQUENCES][STEPS][m.inputSize()];
        float[][] dts = new float[SEQUENCES][STEPS];
        for (int i = 0; i < SEQUENCES; i++) {
            for (int k = 0; k < STEPS; k++) {
                for (int j = 0; j < m.inputSize(); j++) {
                    x[i][k][j] = (float) r.nextDouble(-1, 1);
                }
                dts[i][k] = dt;
            }
        }
        return new Harness.Sequences(x, dts);
    }

    /** A firmware that only steps the model on inputs it cannot predict (volatile), for the size figures. */
    static String minimalMain(CExport.Files f) {
        String p = f.name() + "_";
        String up = f.name().toUpperCase(java.util.Locale.ROOT) + "_";
        return ("""
                #include "@P@model.h"

                static volatile float sensor[@UP@INPUTS];
                static volatile float actuator[@UP@OUTPUTS];

                int main(void)
                {
                    static @P@state s;
                    float x[@UP@INPUTS];
                    float y[@UP@OUTPUTS];
                    @P@reset(&s);
                    for (int k = 0; k < 4; k++) {
                        for (int i = 0; i < @UP@INPUTS; i++) {
                            x[i] = sensor[i];
                        }
                        @P@step(&s, x, 1.0f, y, 0);
                        for (int i = 0; i < @UP@OUTPUTS; i++) {
                            actuator[i] = y[i];
                        }
                    }
                    return 0;
                }
                """).replace("@P@", p).replace("@UP@", up);
    }
}
