package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeygenCommandTest {
    @Test
    void printsTheKeyThenItsFileLineWhichAuthenticatesIt() {
        Cli.Run r = Cli.run("keygen", "--id", "ci-bot", "--role", "admin");
        assertThat(r.code()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(2);
        String key = lines.get(0);
        assertThat(key).matches("[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(key)).hasSize(32);
        assertThat(lines.get(1)).matches("ci-bot sha256:[0-9a-f]{64} admin").doesNotContain(key);
        ApiKeys keys = ApiKeys.parse(lines.get(1) + "\n", "test");
        assertThat(keys.authenticate(key)).hasValueSatisfying(e -> {
            assertThat(e.id()).isEqualTo("ci-bot");
            assertThat(e.role()).isEqualTo(Role.ADMIN);
        });
        assertThat(keys.authenticate(key + "x")).isEmpty();
        assertThat(Cli.run("keygen", "--id", "ci-bot", "--role", "admin").outLines().get(0)).isNotEqualTo(key);
    }

    @Test
    void aBadRoleOrIdIsAUsageErrorNamingTheOption() {
        Cli.Run role = Cli.run("keygen", "--id", "x", "--role", "root");
        assertThat(role.code()).isEqualTo(2);
        assertThat(role.err()).contains("--role").contains("infer or admin");
        Cli.Run id = Cli.run("keygen", "--id", "a b/c", "--role", "infer");
        assertThat(id.code()).isEqualTo(2);
        assertThat(id.err()).contains("--id");
        assertThat(Cli.run("keygen", "--role", "infer").code()).isEqualTo(2);
    }

    @Test
    void serveRefusesAMalformedKeysFileNamingTheLine(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        String good = Cli.run("keygen", "--id", "a", "--role", "infer").outLines().get(1);
        Files.writeString(keys, "# comment\n" + good + "\nb sha256:1234 infer\n");
        Files.createDirectories(dir.resolve("models"));
        Cli.Run r = Cli.run(new CommandLine(new ServeCommand(Map.of("LOG_LEVEL", "ERROR", "QLNN_AUDIT_LOG", "off",
                "QLNN_API_KEYS_FILE", keys.toString()))), "--model-repository", dir.resolve("models").toString(), "--port", "0",
                "--host", "127.0.0.1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("QLNN_API_KEYS_FILE").contains("line 3").contains("64 hex digits")
                .doesNotContain("1234");
    }
}
