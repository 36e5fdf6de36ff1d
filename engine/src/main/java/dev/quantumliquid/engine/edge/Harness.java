package dev.quantumliquid.engine.edge;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A C program around an exported model that runs given sequences (each from the zero state) and prints
 * every output, coherence and final state as exact float bits, and first times the same steps on
 * SysTick. It builds for the host (stdio) and for the emulated Cortex-M4F (semihosting), so both
 * runs can be compared with the engine number for number.
 */
public final class Harness {
    /** Iterations of the calibration loop: 2 instructions each. */
    static final int SPIN = 1 << 20;

    private Harness() {
    }

    /** Sequences to run: x [B][T][F] and time spans dt [B][T]. */
    public record Sequences(float[][][] x, float[][] dt) {
        public int batch() {
            return x.length;
        }

        public int steps() {
            return x[0].length;
        }
    }

    /** What the program printed: outputs [B][T][O], coherence [B][T], final state [B][S], and the timing. */
    public record Run(float[][][] y, float[][] coherence, float[][] state, Timing timing) {
    }

    /**
     * SysTick ticks of an empty window, of {@link #SPIN} calibration iterations (2 instructions each)
     * and of all the steps.
     */
    public record Timing(long emptyTicks, long calibrationTicks, long runTicks, long steps) {
    }

    /** The harness's main.c for the model exported as {@code f}. */
    public static String mainC(CExport.Files f, Sequences s) {
        String p = f.name() + "_";
        String up = f.name().toUpperCase(java.util.Locale.ROOT) + "_";
        int b = s.batch();
        int t = s.steps();
        int feat = s.x()[0][0].length;
        float[] x = new float[b * t * feat];
        float[] dt = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                System.arraycopy(s.x()[i][k], 0, x, (i * t + k) * feat, feat);
                dt[i * t + k] = s.dt()[i][k];
            }
        }
        StringBuilder c = new StringBuilder();
        c.append("#include \"").append(f.headerName()).append("\"\n#include \"board.h\"\n\n");
        c.append(array("xs", x)).append(array("dts", dt));
        c.append("""

                static void put_hex(uint32_t v)
                {
                    static const char digits[] = "0123456789abcdef";
                    char buf[10];
                    for (int i = 0; i < 8; i++) {
                        buf[i] = digits[(v >> (28 - 4 * i)) & 0xFu];
                    }
                    buf[8] = ' ';
                    buf[9] = 0;
                    board_puts(buf);
                }

                static void put_floats(char tag, const float *v, int n)
                {
                    char head[3] = {tag, ' ', 0};
                    board_puts(head);
                    for (int i = 0; i < n; i++) {
                        union { float f; uint32_t u; } bits;
                        bits.f = v[i];
                        put_hex(bits.u);
                    }
                    board_puts("\\n");
                }

                static void put_count(char tag, uint64_t v)
                {
                    char head[3] = {tag, ' ', 0};
                    board_puts(head);
                    put_hex((uint32_t)(v >> 32));
                    put_hex((uint32_t)v);
                    board_puts("\\n");
                }

                int main(void)
                {
                """);
        c.append("    static @P@state s;\n    float y[@UP@OUTPUTS];\n    float coh = 0.0f;\n"
                .replace("@P@", p).replace("@UP@", up));
        c.append("""
                    uint64_t e0 = board_ticks();
                    uint64_t e1 = board_ticks();
                    uint64_t c0 = board_ticks();
                    board_spin(@SPIN@);
                    uint64_t c1 = board_ticks();
                    uint64_t r0 = board_ticks();
                    for (int b = 0; b < @B@; b++) {
                        @P@reset(&s);
                        for (int t = 0; t < @T@; t++) {
                            @P@step(&s, xs + (b * @T@ + t) * @UP@INPUTS, dts[b * @T@ + t], y, &coh);
                        }
                    }
                    uint64_t r1 = board_ticks();
                    put_count('e', e1 - e0);
                    put_count('c', c1 - c0);
                    put_count('r', r1 - r0);
                    put_count('n', (uint64_t)@B@ * @T@);
                    for (int b = 0; b < @B@; b++) {
                        @P@reset(&s);
                        for (int t = 0; t < @T@; t++) {
                            @P@step(&s, xs + (b * @T@ + t) * @UP@INPUTS, dts[b * @T@ + t], y, &coh);
                            put_floats('y', y, @UP@OUTPUTS);
                            put_floats('q', &coh, 1);
                        }
                        put_floats('s', s.v, @UP@STATE_FLOATS);
                    }
                    return 0;
                }
                """.replace("@P@", p).replace("@UP@", up).replace("@SPIN@", SPIN + "u")
                .replace("@B@", String.valueOf(b)).replace("@T@", String.valueOf(t)));
        return c.toString();
    }

    /** The host's board services: stdio, exit, no ticks. */
    static final String HOST_BOARD = """
            #include "board.h"
            #include <stdio.h>
            #include <stdlib.h>

            void board_puts(const char *s)
            {
                fputs(s, stdout);
            }

            void board_exit(int code)
            {
                exit(code);
            }

            uint64_t board_ticks(void)
            {
                return 0;
            }

            void board_spin(uint32_t n)
            {
                (void)n;
            }
            """;

    private static String array(String name, float[] v) {
        StringBuilder c = new StringBuilder("static const float ").append(name).append('[').append(v.length)
                .append("] = {");
        for (int i = 0; i < v.length; i++) {
            c.append(i % 6 == 0 ? "\n    " : " ").append(CSource.literal(v[i])).append(',');
        }
        return c.append("\n};\n").toString();
    }

    /** Builds and runs the harness on the host in {@code dir}; returns what it printed, parsed. */
    public static Run runHost(Toolchain tc, CExport.Files f, Sequences s, int outputs, Path dir) {
        write(dir, f, s);
        Toolchain.copyBoardFiles(dir);
        write(dir.resolve("board_host.c"), HOST_BOARD);
        Path exe = dir.resolve("harness");
        tc.buildHost(dir, List.of(f.sourceName(), "main.c", "board_host.c"), exe);
        return parse(tc.runHost(exe), s, outputs, f.stateFloats());
    }

    /** Cross-compiles the harness for the Cortex-M4F and runs it on QEMU's mps2-an386; returns what it printed. */
    public static Run runTarget(Toolchain tc, CExport.Files f, Sequences s, int outputs, Path dir) {
        write(dir, f, s);
        Toolchain.copyBoardFiles(dir);
        Path elf = dir.resolve("harness.elf");
        tc.buildTarget(dir, List.of(f.sourceName(), "main.c"), elf);
        return parse(tc.runTarget(elf), s, outputs, f.stateFloats());
    }

    private static void write(Path dir, CExport.Files f, Sequences s) {
        CExport.write(f, dir);
        write(dir.resolve("main.c"), mainC(f, s));
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EngineException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** Parses the printed records in the order main.c writes them. */
    static Run parse(String text, Sequences s, int outputs, int stateFloats) {
        String[] lines = text.strip().split("\n");
        int b = s.batch();
        int t = s.steps();
        if (lines.length != 4 + b * (2 * t + 1)) {
            throw new EngineException("harness: expected " + (4 + b * (2 * t + 1)) + " lines, got " + lines.length
                    + " (first: " + (lines.length == 0 ? "" : lines[0]) + ")");
        }
        Timing timing = new Timing(count(lines[0], 'e'), count(lines[1], 'c'), count(lines[2], 'r'), count(lines[3], 'n'));
        float[][][] y = new float[b][t][];
        float[][] q = new float[b][t];
        float[][] st = new float[b][];
        int line = 4;
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                y[i][k] = floats(lines[line++], 'y', outputs);
                q[i][k] = floats(lines[line++], 'q', 1)[0];
            }
            st[i] = floats(lines[line++], 's', stateFloats);
        }
        return new Run(y, q, st, timing);
    }

    private static float[] floats(String line, char tag, int n) {
        String[] f = line.trim().split(" ");
        if (f.length != n + 1 || f[0].length() != 1 || f[0].charAt(0) != tag) {
            throw new EngineException("harness: expected '" + tag + "' with " + n + " values, got '" + line + "'");
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Float.intBitsToFloat((int) Long.parseLong(f[i + 1], 16));
        }
        return v;
    }

    private static long count(String line, char tag) {
        String[] f = line.trim().split(" ");
        if (f.length != 3 || f[0].charAt(0) != tag) {
            throw new EngineException("harness: expected '" + tag + "' with a count, got '" + line + "'");
        }
        return (Long.parseLong(f[1], 16) << 32) | Long.parseLong(f[2], 16);
    }
}
