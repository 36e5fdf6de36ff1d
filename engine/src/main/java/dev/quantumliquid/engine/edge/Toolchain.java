package dev.quantumliquid.engine.edge;

import dev.quantumliquid.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The external tools that build and run exported C: the host C compiler, the Arm GNU toolchain
 * (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi) and QEMU's emulated Cortex-M4F board
 * (qemu-system-arm -M mps2-an386). Every run has a deadline; a tool that fails or is missing is
 * refused with one line naming it.
 */
public final class Toolchain {
    /** Compiler flags of the Cortex-M4F target (single-precision FPU, hard-float calling convention). */
    public static final List<String> M4F_FLAGS = List.of("-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16",
            "-mfloat-abi=hard", "-O2");
    /** Warnings the generated C must compile cleanly under. */
    static final List<String> WARNINGS = List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic");
    /** The board files of examples/cortex-m4, packed into the engine's resources. */
    static final List<String> BOARD_FILES = List.of("board.c", "board.h", "startup.c", "sections.ld", "mps2-an386.ld");

    private final String hostCc;
    private final String armPrefix;
    private final String qemu;
    private final Duration deadline;

    public Toolchain(String hostCc, String armPrefix, String qemu, Duration deadline) {
        this.hostCc = hostCc;
        this.armPrefix = armPrefix;
        this.qemu = qemu;
        this.deadline = deadline;
    }

    /** gcc, arm-none-eabi-*, qemu-system-arm from PATH, 120 s per run. */
    public static Toolchain fromPath() {
        return new Toolchain("gcc", "arm-none-eabi-", "qemu-system-arm", Duration.ofSeconds(120));
    }

    /** True when {@code tool} runs (answers --version). */
    public boolean has(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String hostCc() {
        return hostCc;
    }

    public String armGcc() {
        return armPrefix + "gcc";
    }

    public String qemu() {
        return qemu;
    }

    /** Copies the board files (startup, semihosting, linker scripts) into {@code dir}. */
    static void copyBoardFiles(Path dir) {
        for (String f : BOARD_FILES) {
            try (InputStream in = Toolchain.class.getResourceAsStream("cortex-m4/" + f)) {
                if (in == null) {
                    throw new EngineException("cortex-m4/" + f + ": board file missing from the engine's resources");
                }
                Files.write(dir.resolve(f), in.readAllBytes());
            } catch (IOException e) {
                throw new EngineException(dir.resolve(f) + ": cannot write (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Compiles and links C sources for the host into {@code exe}, warnings as errors. */
    public void buildHost(Path dir, List<String> sources, Path exe) {
        List<String> cmd = new ArrayList<>(List.of(hostCc, "-O2"));
        cmd.addAll(WARNINGS);
        cmd.addAll(sources);
        cmd.addAll(List.of("-o", exe.toString(), "-lm"));
        run(dir, cmd);
    }

    /**
     * Cross-compiles C sources with the board files into a bare-metal ELF for mps2-an386 (the board
     * files must be in {@code dir}): no start files, newlib's libm and nano libc (errno only), unused
     * sections dropped.
     */
    public void buildTarget(Path dir, List<String> sources, Path elf) {
        List<String> cmd = new ArrayList<>(List.of(armGcc()));
        cmd.addAll(M4F_FLAGS);
        cmd.addAll(WARNINGS);
        cmd.addAll(List.of("-ffunction-sections", "-fdata-sections", "-nostartfiles", "--specs=nano.specs",
                "-Wl,--gc-sections", "-L", dir.toString(), "-T", "mps2-an386.ld"));
        cmd.addAll(sources);
        cmd.addAll(List.of("board.c", "startup.c", "-o", elf.toString(), "-lm"));
        run(dir, cmd);
    }

    /** Runs a program on the host and returns its standard output. */
    public String runHost(Path exe) {
        return run(exe.getParent(), List.of(exe.toString()));
    }

    /**
     * Runs an ELF on QEMU's mps2-an386 with semihosting and returns what it printed. With
     * {@code -icount shift=0} QEMU's virtual clock advances exactly 1 ns per executed instruction, so
     * the SysTick ticks the program reads count instructions (see {@link Measurement}).
     */
    public String runTarget(Path elf) {
        Path out = elf.resolveSibling(elf.getFileName() + ".out");
        try {
            Files.deleteIfExists(out);
            run(elf.getParent(), List.of(qemu, "-M", "mps2-an386", "-cpu", "cortex-m4", "-nographic", "-monitor", "none",
                    "-serial", "none", "-chardev", "file,id=semihost,path=" + out, "-semihosting-config",
                    "enable=on,target=native,chardev=semihost", "-icount", "shift=0", "-kernel", elf.toString()));
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EngineException(out + ": cannot read the program's output (" + e.getMessage() + ")", e);
        }
    }

    /** text, data and bss bytes of an ELF (arm-none-eabi-size, Berkeley format). */
    public long[] size(Path elf) {
        String out = run(elf.getParent(), List.of(armPrefix + "size", "-B", elf.toString()));
        String[] lines = out.strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    /** Runs {@code cmd} in {@code dir} within the deadline; returns stdout; a failure is one line with its stderr. */
    public String run(Path dir, List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new EngineException(cmd.get(0) + ": cannot run (" + e.getMessage() + "); install it or put it on PATH");
        }
        try {
            p.getOutputStream().close();
            var err = new CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    err.complete("");
                }
            });
            var out = new CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    out.complete("");
                }
            });
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new EngineException(cmd.get(0) + ": did not finish within " + deadline.toSeconds() + " s");
            }
            String stdout = out.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                String e = err.get(10, TimeUnit.SECONDS).strip();
                String msg = e.isEmpty() ? stdout.strip() : e;
                throw new EngineException(cmd.get(0) + " failed with exit code " + p.exitValue() + ": "
                        + (msg.length() > 2000 ? msg.substring(0, 2000) + "..." : msg));
            }
            return stdout;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EngineException(cmd.get(0) + ": interrupted");
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new EngineException(cmd.get(0) + ": output not read (" + e + ")");
        } catch (IOException e) {
            p.destroyForcibly();
            throw new EngineException(cmd.get(0) + ": " + e.getMessage());
        }
    }
}
