package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training gives the same weights, per-epoch losses and report figures on any x86-64 vector width: the same
 * small runs in child JVMs under the machine's default (AVX-512 here, where the preferred vector holds 8
 * doubles) and under {@code -XX:UseAVX=2} (4 doubles), and twice under the default.
 */
class VectorWidthReproducibilityTest {
    @Test
    void sameBitsUnderTheDefaultAndUnderAvx2(@TempDir Path dir) throws Exception {
        List<String> first = child(dir.resolve("a"), List.of());
        List<String> avx2 = child(dir.resolve("b"), List.of("-XX:UseAVX=2"));
        List<String> again = child(dir.resolve("c"), List.of());
        assertThat(first).hasSize(3).allSatisfy(l -> assertThat(l).contains(" weights ").contains("\"train_loss\""));
        assertThat(avx2).containsExactlyElementsOf(first);
        assertThat(again).containsExactlyElementsOf(first);
    }

    /** The lines TrainBitsMain prints in a child JVM with these options. */
    static List<String> child(Path dir, List<String> options) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainBitsMain.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child JVM %s finished", options).isTrue();
        assertThat(p.exitValue()).as("child JVM %s exit status; output: %s", options, out).isZero();
        return out.lines().toList();
    }
}
