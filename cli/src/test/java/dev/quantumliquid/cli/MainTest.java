package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("kaput");
        }
    }

    @Command(name = "refuse")
    static final class Refuse implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new EngineException("data.csv: row 2 is wrong");
        }
    }

    private static CommandLine withTestCommands(Map<String, String> env) {
        CommandLine cl = Main.commandLine(env);
        cl.addSubcommand("boom", new Boom());
        cl.addSubcommand("refuse", new Refuse());
        return cl;
    }

    @Test
    void versionAndHelpExitZero() {
        Cli.Run v = Cli.run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.outLines().get(0)).matches("qlnn \\d+\\.\\d+\\.\\d+.*");
        assertThat(v.err()).isEmpty();
        Cli.Run h = Cli.run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("import-ncps", "predict", "inspect", "bench");
        assertThat(Cli.run("predict", "--help").out()).contains("--precision", ".csv", ".json", ".safetensors");
    }

    @Test
    void usageErrorsAreOneLineWithExitTwo() {
        for (String[] args : new String[][] {{}, {"--nope"}, {"frobnicate"}, {"predict"}, {"predict", "--model"},
            {"bench", "--model", "x", "--mode", "sideways"}, {"inspect", "--model", "m", "extra"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).startsWith("qlnn: ");
            assertThat(r.out()).isEmpty();
        }
        assertThat(Cli.run("predict").err()).contains("--model", "--input", "--output");
    }

    @Test
    void engineRefusalIsExitTwoWithoutStackTrace() {
        Cli.Run r = Cli.run(withTestCommands(Map.of()), "refuse");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: data.csv: row 2 is wrong\n");
    }

    @Test
    void unexpectedErrorIsExitOneOneLineUnlessDebug() {
        Cli.Run r = Cli.run(withTestCommands(Map.of()), "boom");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("qlnn: internal error: java.lang.IllegalStateException: kaput");

        Cli.Run d = Cli.run(withTestCommands(Map.of()), "boom", "--debug");
        assertThat(d.code()).isEqualTo(1);
        assertThat(d.errLines().size()).isGreaterThan(2);
        assertThat(d.err()).contains("at dev.quantumliquid.cli.MainTest$Boom.call");

        Cli.Run dTop = Cli.run(withTestCommands(Map.of()), "--debug", "boom");
        assertThat(dTop.err()).contains("at dev.quantumliquid.cli.MainTest$Boom.call");

        Cli.Run env = Cli.run(withTestCommands(Map.of("QLNN_DEBUG", "1")), "boom");
        assertThat(env.code()).isEqualTo(1);
        assertThat(env.err()).contains("at dev.quantumliquid.cli.MainTest$Boom.call");
    }

    @Test
    void aMisspelledFlagIsReportedAsSuchNotAsTheMissingOptionItMeant() {
        Cli.Run r = Cli.run("import-ncps", "--spec", "s.json", "--weight", "w.safetensors", "--out", "m/1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("qlnn: unknown option '--weight' (did you mean --weights").doesNotContain("Missing");
        Cli.Run negative = Cli.run("train", "--lr", "-0.5", "--epocs", "3");
        assertThat(negative.err()).startsWith("qlnn: unknown option '--epocs'");
    }

    @Test
    void everySubcommandSummaryInTheHelpIsAWholeSentence() {
        CommandLine cl = Main.commandLine(Map.of());
        cl.getSubcommands().forEach((name, sub) -> {
            String[] d = sub.getCommandSpec().usageMessage().description();
            if (d.length > 0) {
                assertThat(d[0].strip()).as(name).endsWith(".");
            }
        });
    }

    @Test
    void oneLineFoldsLineBreaks() {
        assertThat(Main.oneLine("a\n  b\r\nc ")).isEqualTo("a b c");
        assertThat(Main.oneLine(null)).isEqualTo("(no message)");
    }

    /** These tests run the CLI in-process from compiled classes: the shaded jar is not needed. */
    @Test
    void runsInProcessWithoutTheShadedJar() throws Exception {
        Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(Files.isDirectory(location)).as("Main is loaded from %s", location).isTrue();
        assertThat(location.endsWith(Path.of("target", "classes"))).isTrue();
        assertThat(Cli.run("--version").code()).isZero();
    }
}
