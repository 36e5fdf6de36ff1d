package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access defects found by attacking a running server, each replayed over HTTP: sequences used
 * by other keys, revocation by emptying or deleting the keys file, open probes disclosing reasons,
 * floods of bad keys, and health steered by chosen inputs.
 */
class AccessHardeningTest {
    @TempDir
    Path dir;
    Path repo;
    Path keysFile;
    ApiKeys.Generated alice;
    ApiKeys.Generated bob;
    ApiKeys.Generated admin;
    String keysText;

    @BeforeEach
    void setUp() throws Exception {
        repo = Files.createDirectories(dir.resolve("models"));
        TestModels.dense(repo, "dense", 1, 0f);
        TestLoaders.writeLeaky(repo, "leaky", 1);
        alice = ApiKeys.generate("alice", Role.INFER, new SecureRandom());
        bob = ApiKeys.generate("bob", Role.INFER, new SecureRandom());
        admin = ApiKeys.generate("ops", Role.ADMIN, new SecureRandom());
        keysFile = dir.resolve("keys");
        keysText = alice.line() + "\n" + bob.line() + "\n" + admin.line() + "\n";
        Files.writeString(keysFile, keysText);
    }

    private TestServer start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("QLNN_API_KEYS_FILE", keysFile.toString(), "QLNN_SECRETS_POLL_S", "0.05"));
        env.putAll(extra);
        return TestServer.start(repo, env);
    }

    private static Response sequence(TestServer s, ApiKeys.Generated key, String id, boolean start, boolean end) {
        ObjectNode body = Bodies.infer(Bodies.input(1, 1, 3, 0.1f));
        ObjectNode p = body.putObject("parameters").put("sequence_id", id);
        if (start) {
            p.put("sequence_start", true);
        }
        if (end) {
            p.put("sequence_end", true);
        }
        return s.postWith("/v2/models/leaky/infer", body.toString(), "Authorization", "Bearer " + key.key());
    }

    @Test
    void aSequenceBelongsToTheKeyThatOpenedItWithinAQuota() {
        try (TestServer s = start(Map.of("QLNN_MAX_SESSIONS_PER_KEY", "2"))) {
            assertThat(sequence(s, alice, "s1", true, false).status()).isEqualTo(200);
            assertThat(sequence(s, bob, "b1", true, false).status()).isEqualTo(200);
            for (Response r : new Response[] {sequence(s, bob, "s1", false, false), sequence(s, bob, "s1", false, true),
                    sequence(s, bob, "s1", true, false)}) {
                assertThat(r.status()).as(r.body()).isEqualTo(403);
                assertThat(r.json().get("error").asText()).contains("opened by another caller");
            }
            assertThat(sequence(s, alice, "s1", false, false).status()).as("its opener continues").isEqualTo(200);
            assertThat(sequence(s, alice, "s2", true, false).status()).isEqualTo(200);
            assertThat(sequence(s, alice, "s3", true, false).status()).isEqualTo(200);
            Response dropped = sequence(s, alice, "s1", false, false);
            assertThat(dropped.status()).as("a third sequence drops alice's own least recently used").isEqualTo(400);
            assertThat(sequence(s, bob, "b1", false, true).status()).as("bob's sequence is untouched").isEqualTo(200);
        }
    }

    @Test
    void emptyingOrDeletingTheKeysFileRevokesEveryKey() throws Exception {
        String body = Bodies.infer(Bodies.input(1, 1, 3, 0f)).toString();
        try (TestServer s = start(Map.of())) {
            BooleanSupplier aliceOk = () -> s.postWith("/v2/models/dense/infer", body, "Authorization", "Bearer " + alice.key())
                    .status() == 200;
            assertThat(aliceOk.getAsBoolean()).isTrue();
            Files.writeString(keysFile, "");
            Await.until("an emptied file revokes alice's key", () -> !aliceOk.getAsBoolean());
            assertThat(s.postWith("/v2/models/dense/infer", body, "Authorization", "Bearer " + alice.key()).status())
                    .isEqualTo(401);
            Files.writeString(keysFile, keysText);
            Await.until("the restored file serves again", aliceOk::getAsBoolean);
            Files.delete(keysFile);
            Await.until("a deleted file revokes alice's key", () -> !aliceOk.getAsBoolean());
        }
    }

    /** A version refused for a checksum names its file and digest: the authenticated index says so, the open probe does not. */
    @Test
    void openHealthSaysStatusOnlyAndTheIndexWithAnAdminKeySaysWhy() throws Exception {
        Path v2 = TestModels.dense(repo, "dense", 2, 0.3f);
        Files.write(v2.resolve("weights.safetensors"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        try (TestServer s = start(Map.of())) {
            Response h = s.get("/health");
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.json().get("status").asText()).isEqualTo("degraded");
            assertThat(h.body()).contains("dense version 2 is unavailable").doesNotContain("checksum")
                    .doesNotContain("safetensors").doesNotContain(repo.toString()).doesNotContain("sha256");
            Response index = s.postWith("/v2/repository/index", "", "Authorization", "Bearer " + admin.key());
            assertThat(index.body()).contains("weights.safetensors: checksum mismatch").doesNotContain(repo.toString());
        }
    }

    @Test
    void aFloodOfBadKeysIsLimitedPerAddressWhileValidKeysPass() {
        try (TestServer s = start(Map.of())) {
            int unauthorized = 0;
            int limited = 0;
            for (int i = 0; i < 40; i++) {
                Response r = s.getWith("/v2/models/dense", "Authorization", "Bearer not-a-key-" + i);
                if (r.status() == 401) {
                    unauthorized++;
                } else {
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.header("Retry-After")).isNotBlank();
                    limited++;
                }
                assertThat(s.getWith("/v2/models/dense", "Authorization", "Bearer " + alice.key()).status())
                        .as("a valid key is never limited by others' failures").isEqualTo(200);
            }
            assertThat(limited).isPositive();
            assertThat(unauthorized).isLessThan(40);
        }
    }

    /** The demo's calibration probe coherence is about 0.6: a threshold above it degrades health, whatever the traffic. */
    @Test
    void healthFollowsTheCalibrationProbe() throws Exception {
        IntegrityTest.writeDemo(repo, "demo", 1);
        try (TestServer s = TestServer.start(repo, Map.of("QUANTUM_COHERENCE_THRESHOLD", "0.99"))) {
            Response h = s.get("/health");
            assertThat(h.json().get("status").asText()).isEqualTo("degraded");
            assertThat(h.json().get("reasons").toString()).contains("demo version 1: calibration probe coherence");
        }
        try (TestServer s = TestServer.start(repo, Map.of("QUANTUM_COHERENCE_THRESHOLD", "0.01"))) {
            for (int i = 0; i < 100; i++) {
                s.post("/inference", "{\"model\":\"demo\",\"input\":[9]}");
            }
            assertThat(s.get("/health").json().get("status").asText()).isEqualTo("healthy");
        }
    }
}
