package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The float32 engine path gives the same bits whatever runs the kernels and whatever vector width the CPU
 * has: every ncps fixture model, streamed and in lane mode, on a fresh JVM (the interpreter runs the first
 * evaluation) and after warm-up (C2-compiled kernels), under the machine's default and under
 * {@code -XX:UseAVX=2} (on an AVX-512 machine the preferred vector would be twice as wide), and with the
 * interpreter only.
 */
class WarmUpBitsTest {
    @Test
    void sameBitsColdWarmInterpretedAndAtEitherVectorWidth() throws Exception {
        List<String> def = child(List.of("-Xbatch"), 300);
        List<String> avx2 = child(List.of("-Xbatch", "-XX:UseAVX=2"), 300);
        List<String> interpreted = child(List.of("-Xint"), 0);
        String cold = def.get(0).substring("cold ".length());
        assertThat(def).containsExactly("cold " + cold, "warm " + cold);
        assertThat(avx2).containsExactly("cold " + cold, "warm " + cold);
        assertThat(interpreted).containsExactly("cold " + cold, "warm " + cold);
    }

    /** The lines BitsMain prints in a child JVM with these options. */
    static List<String> child(List<String> options, int rounds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BitsMain.class.getName());
        cmd.add(String.valueOf(rounds));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child JVM %s finished", options).isTrue();
        assertThat(p.exitValue()).as("child JVM %s exit status; output: %s", options, out).isZero();
        return out.lines().toList();
    }
}
