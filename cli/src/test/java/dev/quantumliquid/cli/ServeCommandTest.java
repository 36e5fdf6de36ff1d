package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.app.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
    private static String[] run(Map<String, String> env, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ServeCommand(env));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void anInvalidVariableStopsStartUpWithOneLineNamingIt() {
        String[] r = run(Map.of("QUANTUM_COHERENCE_THRESHOLD", "high"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1].strip()).doesNotContain("\n").contains("QUANTUM_COHERENCE_THRESHOLD").contains("high");
    }

    @Test
    void aFlagOverridesTheEnvironmentAndIsValidatedTheSameWay() {
        String[] r = run(Map.of("QLNN_PORT", "8080"), "--port", "70000");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).startsWith("qlnn serve: --port (QLNN_PORT): must be ").contains("70000");
        String[] env = run(Map.of("QLNN_PORT", "70000"));
        assertThat(env[1]).startsWith("qlnn serve: QLNN_PORT: must be ").doesNotContain("--port");
    }

    @Test
    void theGrpcPortFlagIsValidatedLikeItsVariable() {
        String[] r = run(Map.of("QLNN_GRPC_PORT", "8001"), "--grpc-port", "70000");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1].strip()).doesNotContain("\n").contains("QLNN_GRPC_PORT").contains("70000");
    }

    @Test
    void aMissingRepositoryStopsStartUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] r = run(Map.of("LOG_LEVEL", "ERROR"), "--model-repository", dir.resolve("absent").toString(), "--port", "0");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("--model-repository (QLNN_MODEL_REPOSITORY)").contains("does not exist");
    }

    @Test
    void everyServeFlagIsASettingsFlagAndTheOtherWayRound() {
        List<String> options = new CommandLine(new ServeCommand(Map.of())).getCommandSpec().options().stream()
                .map(o -> o.longestName()).filter(n -> !n.equals("--help") && !n.equals("--version")).toList();
        List<String> settingFlags = ServerConfig.SETTINGS.stream().flatMap(s -> s.flag().stream()).toList();
        assertThat(options).containsExactlyInAnyOrderElementsOf(settingFlags);
    }
}
