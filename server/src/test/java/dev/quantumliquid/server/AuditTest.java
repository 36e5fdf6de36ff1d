package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import dev.quantumliquid.testkit.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The audit trail as written (JSON lines from the real encoder): start-up settings, denials with
 * client and key id, management actions, model loads, rejections and unloads; and no key, digest
 * line or input anywhere in any log line, only the input's SHA-256.
 */
class AuditTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final LogstashEncoder encoder = new LogstashEncoder();

    @BeforeEach
    void capture() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        encoder.setContext(ctx);
        encoder.start();
        captured.setContext(ctx);
        captured.start();
        ctx.getLogger("audit").addAppender(captured);
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
    }

    @AfterEach
    void release() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger("audit").detachAppender(captured);
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    private List<String> lines() {
        return captured.list.stream().map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8)).toList();
    }

    private List<JsonNode> audit(String event) {
        return lines().stream().map(l -> {
            try {
                return TestServer.JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(l, e);
            }
        }).filter(n -> n.path("logger_name").asText().equals("audit") && n.path("event").asText().equals(event)).toList();
    }

    @Test
    void securityEventsAreAuditedAndNoSecretOrInputIsLogged() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("models"));
        TestModels.dense(repo, "dense", 1, 0f);
        TestModels.dense(repo, "spare", 1, 0.1f);
        Files.createDirectories(repo.resolve("bad").resolve("1"));
        Files.writeString(repo.resolve("bad").resolve("1").resolve("model.json"), "{not json");
        ApiKeys.Generated infer = ApiKeys.generate("app", Role.INFER, new SecureRandom());
        ApiKeys.Generated admin = ApiKeys.generate("ops", Role.ADMIN, new SecureRandom());
        Path keys = Files.writeString(dir.resolve("keys"), infer.line() + "\n" + admin.line() + "\n");
        Path stateKey = Files.writeString(dir.resolve("state.key"), "s3cr3t-state-key-0123456789abcdefghijklmnop");
        String input = "{\"model\":\"dense\",\"input\":[1.234567,-7.654321,0.5]}";
        String refused = "{\"model\":\"dense\",\"input\":[1.234567,99.5,0]}";
        String refusedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                refused.getBytes(StandardCharsets.UTF_8)));
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_AUDIT_LOG", "stdout", "LOG_LEVEL", "DEBUG",
                "QLNN_API_KEYS_FILE", keys.toString(), "QLNN_STATE_KEY_FILE", stateKey.toString()))) {
            assertThat(s.postWith("/inference", input, "X-API-Key", infer.key()).status()).isEqualTo(200);
            assertThat(s.postWith("/inference", refused, "X-API-Key", infer.key()).status()).isEqualTo(400);
            assertThat(s.postWith("/inference", input, "X-API-Key", "wrong-" + infer.key()).status()).isEqualTo(401);
            assertThat(s.postWith("/v2/repository/models/spare/unload", "", "X-API-Key", infer.key()).status()).isEqualTo(403);
            assertThat(s.postWith("/v2/repository/models/spare/unload", "", "X-API-Key", admin.key()).status()).isEqualTo(200);
            assertThat(s.postWith("/v2/repository/models/absent/load", "", "X-API-Key", admin.key()).status()).isEqualTo(404);
        }

        JsonNode startup = audit("startup").get(0);
        assertThat(startup.get("settings").get("QLNN_API_KEYS_FILE").asText()).isEqualTo(keys.toString());
        assertThat(startup.get("settings").has("QLNN_ADMIN_ALLOW_CIDRS")).isTrue();
        assertThat(startup.get("api_key_ids").toString()).isEqualTo("[\"app\",\"ops\"]");
        assertThat(startup.get("state_key").asText()).isEqualTo("from file");

        List<JsonNode> denied = audit("access_denied");
        assertThat(denied).hasSize(2);
        assertThat(denied.get(0).get("status").asInt()).isEqualTo(401);
        assertThat(denied.get(0).get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(denied.get(0).get("key_id").asText()).isEqualTo("-");
        assertThat(denied.get(1).get("status").asInt()).isEqualTo(403);
        assertThat(denied.get(1).get("key_id").asText()).isEqualTo("app");

        List<JsonNode> mgmt = audit("management");
        assertThat(mgmt).hasSize(2);
        assertThat(mgmt.get(0).get("action").asText()).isEqualTo("unload");
        assertThat(mgmt.get(0).get("key_id").asText()).isEqualTo("ops");
        assertThat(mgmt.get(0).get("outcome").asText()).isEqualTo("ok");
        assertThat(mgmt.get(1).get("outcome").asText()).startsWith("refused: ").contains("not in the repository");

        assertThat(audit("model_loaded")).extracting(n -> n.get("model").asText()).contains("dense", "spare");
        assertThat(audit("model_rejected")).extracting(n -> n.get("model").asText()).containsExactly("bad");
        assertThat(audit("model_unloaded")).extracting(n -> n.get("model").asText()).containsExactly("spare");
        assertThat(audit("lifecycle")).extracting(n -> n.get("step").asText()).containsExactly("draining", "stopped");

        String all = String.join("\n", lines());
        assertThat(all).doesNotContain(infer.key()).doesNotContain(admin.key())
                .doesNotContain(infer.line().split(" ")[1].substring(7)).doesNotContain(admin.line().split(" ")[1].substring(7))
                .doesNotContain("s3cr3t-state-key")
                .doesNotContain("1.234567").doesNotContain("7.654321").doesNotContain("99.5");
        assertThat(all).as("a refused input appears as its digest").contains(refusedSha);
        assertThat(startup.get("settings").toString()).doesNotContain("<redacted>"); // settings hold paths and numbers only
    }

    @Test
    void credentialsWrittenIntoTheStoreEndpointAreNeverEchoed() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("models"));
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_AUDIT_LOG", "stdout",
                "QLNN_S3_ENDPOINT", "http://qlnn:hunter2-s3-secret@127.0.0.1:9"))) {
            assertThat(s.get("/health").status()).isEqualTo(200);
        }
        JsonNode startup = audit("startup").get(0);
        assertThat(startup.get("settings").get("QLNN_S3_ENDPOINT").asText()).isEqualTo("http://<redacted>@127.0.0.1:9");
        assertThat(String.join("\n", lines())).doesNotContain("hunter2-s3-secret");
    }
}
