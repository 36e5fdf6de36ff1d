package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** yamllint and shellcheck over everything under deploy/. */
class LintTest {
    @Test
    void yamlIsClean() {
        Path yamllint = Tools.require("yamllint");
        Tools.Result r = Tools.run(List.of(yamllint.toString(), "--strict", "-c", ".yamllint", "deploy/"), Tools.repo());
        assertThat(r.exit()).as("yamllint%n%s%s", r.out(), r.err()).isZero();
    }

    @Test
    void shellScriptsAreClean() throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        List<String> command = new ArrayList<>(List.of(shellcheck.toString(), "--shell=bash", "--severity=style"));
        try (Stream<Path> files = Files.walk(Tools.deploy())) {
            files.filter(Files::isRegularFile).filter(LintTest::isShell).map(Path::toString).sorted().forEach(command::add);
        }
        assertThat(command).anyMatch(c -> c.endsWith("bluegreen.sh"));
        Tools.Result r = Tools.run(command, Tools.repo());
        assertThat(r.exit()).as("shellcheck%n%s%s", r.out(), r.err()).isZero();
    }

    private static boolean isShell(Path file) {
        if (file.toString().endsWith(".sh")) {
            return true;
        }
        try (var lines = Files.lines(file)) {
            return lines.findFirst().map(l -> l.startsWith("#!") && l.contains("sh")).orElse(false);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // not text
        }
    }
}
