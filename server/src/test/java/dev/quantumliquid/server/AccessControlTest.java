package dev.quantumliquid.server;

import dev.quantumliquid.server.error.ServerException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys and roles, the admin allowlist and the rate limit, over HTTP against a real server. */
class AccessControlTest {
    @TempDir
    Path dir;
    Path repo;
    Path keysFile;
    ApiKeys.Generated infer;
    ApiKeys.Generated admin;
    String body;

    @BeforeEach
    void setUp() throws Exception {
        repo = Files.createDirectories(dir.resolve("models"));
        TestModels.writeDense(repo, "dense", 1, 0f);
        TestModels.writeDense(repo, "spare", 1, 0.1f);
        infer = ApiKeys.generate("app", Role.INFER, new SecureRandom());
        admin = ApiKeys.generate("ops", Role.ADMIN, new SecureRandom());
        keysFile = dir.resolve("keys");
        Files.writeString(keysFile, "# issued 2026\n" + infer.line() + "  # the app\n\n" + admin.line() + "\n");
        body = Bodies.infer(Bodies.input(1, 2, 3, 0f)).toString();
    }

    private TestServer start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("QLNN_API_KEYS_FILE", keysFile.toString()));
        env.putAll(extra);
        return TestServer.start(repo, env);
    }

    private static void assertError(Response r, int status, String fragment) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(fragment);
    }

    @Test
    void dashboardPageIsOpenButItsDataAndInferenceNeedAKey() {
        try (TestServer s = start(Map.of())) {
            for (String asset : List.of("/", "/dashboard/app.js", "/dashboard/app.css", "/dashboard/favicon.svg")) {
                assertThat(s.get(asset).status()).as(asset).isEqualTo(200);
            }
            assertError(s.get("/dashboard/api/summary"), 401, "API key is required");
            Response summary = s.getWith("/dashboard/api/summary", "Authorization", "Bearer " + infer.key());
            assertThat(summary.status()).as(summary.body()).isEqualTo(200);
            assertThat(summary.json().get("models")).isNotEmpty();
            assertError(s.post("/", "{}"), 401, "API key is required"); // only GET of the static files is open
            assertError(s.post("/inference", "{\"input\":[1,2,3]}"), 401, "API key is required");
        }
    }

    @Test
    void inferenceNeedsAKeyManagementTheAdminRoleAndProbesNone() {
        try (TestServer s = start(Map.of())) {
            Response none = s.post("/v2/models/dense/infer", body);
            assertError(none, 401, "API key is required");
            assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
            assertError(s.postWith("/v2/models/dense/infer", body, "Authorization", "Bearer not-a-key"), 401, "not valid");
            assertError(s.postWith("/v2/models/dense/infer", body, "Authorization", "Basic " + infer.key()), 401, "required");
            assertThat(s.postWith("/v2/models/dense/infer", body, "Authorization", "Bearer " + infer.key()).status()).isEqualTo(200);
            assertThat(s.postWith("/v2/models/dense/infer", body, "X-API-Key", infer.key()).status()).isEqualTo(200);
            assertThat(s.postWith("/inference", "{\"model\":\"dense\",\"input\":[1,2,3]}", "X-API-Key", admin.key()).status())
                    .isEqualTo(200);
            // Metadata and unknown paths are not probes: they need a key too (unknown paths do not reveal they are unknown).
            assertError(s.get("/v2/models/dense"), 401, "required");
            assertError(s.get("/v2/nothing-here"), 401, "required");
            assertThat(s.getWith("/v2/nothing-here", "X-API-Key", infer.key()).status()).isEqualTo(404);
            // Management: admin only.
            assertError(s.postWith("/v2/repository/models/spare/unload", "", "X-API-Key", infer.key()), 403, "admin role");
            assertError(s.post("/v2/repository/index", ""), 401, "required");
            assertThat(s.postWith("/v2/repository/models/spare/unload", "", "X-API-Key", admin.key()).status()).isEqualTo(200);
            assertThat(s.postWith("/v2/repository/models/spare/load", "", "Authorization", "bearer " + admin.key()).status())
                    .isEqualTo(200);
            // Probes and (by default) metrics stay open.
            for (String open : new String[] {"/health", "/ready", "/v2/health/live", "/v2/health/ready", "/metrics"}) {
                assertThat(s.get(open).status()).as(open).isEqualTo(200);
            }
            assertThat(s.get("/metrics").body()).contains("quantum_liquid_errors_total{kind=\"unauthorized\",model=\"\"}")
                    .contains("quantum_liquid_errors_total{kind=\"forbidden\",model=\"\"}");
        }
    }

    @Test
    void metricsBehindAKeyBySetting() {
        try (TestServer s = start(Map.of("QLNN_METRICS_AUTH", "admin"))) {
            assertError(s.get("/metrics"), 401, "required");
            assertError(s.getWith("/metrics", "X-API-Key", infer.key()), 403, "admin role");
            assertThat(s.getWith("/metrics", "X-API-Key", admin.key()).status()).isEqualTo(200);
        }
        try (TestServer s = start(Map.of("QLNN_METRICS_AUTH", "infer"))) {
            assertThat(s.getWith("/metrics", "X-API-Key", infer.key()).status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_METRICS_AUTH", "infer")))
                .hasMessageContaining("QLNN_METRICS_AUTH").hasMessageContaining("QLNN_API_KEYS_FILE");
    }

    @Test
    void managementFromOutsideTheAllowlistIs403EvenWithAnAdminKey() {
        try (TestServer s = start(Map.of("QLNN_ADMIN_ALLOW_CIDRS", "10.0.0.0/8, ::1/128"))) {
            Response r = s.postWith("/v2/repository/models/spare/unload", "", "X-API-Key", admin.key());
            assertError(r, 403, "QLNN_ADMIN_ALLOW_CIDRS");
            assertError(s.post("/v2/repository/models/spare/load", ""), 403, "127.0.0.1");
            assertThat(s.postWith("/v2/models/spare/infer", body, "X-API-Key", infer.key()).status()).isEqualTo(200);
        }
        // Without a keys file the allowlist still guards management routes; inference answers without a key.
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_ADMIN_ALLOW_CIDRS", "192.168.0.0/16"))) {
            assertError(s.post("/v2/repository/models/spare/unload", ""), 403, "QLNN_ADMIN_ALLOW_CIDRS");
            assertThat(s.post("/v2/models/dense/infer", body).status()).isEqualTo(200);
        }
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_ADMIN_ALLOW_CIDRS", "127.0.0.1/32"))) {
            assertThat(s.post("/v2/repository/models/spare/unload", "").status()).isEqualTo(200);
        }
    }

    @Test
    void rotatedKeysFileIsReloadedAndABrokenOneRevokesEveryKeyUntilFixed() throws Exception {
        try (TestServer s = start(Map.of("QLNN_SECRETS_POLL_S", "0.1"))) {
            assertThat(s.postWith("/v2/models/dense/infer", body, "X-API-Key", infer.key()).status()).isEqualTo(200);
            ApiKeys.Generated next = ApiKeys.generate("app2", Role.INFER, new SecureRandom());
            Files.writeString(keysFile, next.line() + "\n" + admin.line() + "\n");
            awaitStatus(s, next.key(), 200);
            assertError(s.postWith("/v2/models/dense/infer", body, "X-API-Key", infer.key()), 401, "not valid");
            Files.writeString(keysFile, "garbage line\n");
            awaitStatus(s, next.key(), 401);
            Files.writeString(keysFile, next.line() + "\n");
            awaitStatus(s, next.key(), 200);
        }
    }

    private void awaitStatus(TestServer s, String key, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.postWith("/v2/models/dense/infer", body, "X-API-Key", key).status() != status) {
            assertThat(System.nanoTime()).as("the new keys file is picked up").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aMalformedKeysFileStopsStartUpNamingTheLine() throws Exception {
        Files.writeString(keysFile, infer.line() + "\n# fine\nops sha256:abc admin\n");
        assertThatThrownBy(() -> start(Map.of())).isInstanceOf(ServerException.class)
                .hasMessageContaining("QLNN_API_KEYS_FILE").hasMessageContaining("line 3").hasMessageContaining("64 hex digits");
        Files.writeString(keysFile, infer.line() + "\n" + infer.line() + "\n");
        assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("line 2").hasMessageContaining("twice");
        Files.writeString(keysFile, "app " + infer.line().split(" ")[1] + " root\n");
        assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("line 1").hasMessageContaining("infer or admin");
        Files.writeString(keysFile, "# nothing\n");
        assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("holds no key");
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_API_KEYS_FILE", dir.resolve("absent").toString())))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aKeyAboveTheRateLimitGets429AndIsCounted() {
        try (TestServer s = start(Map.of("QLNN_RATE_LIMIT_RPS", "2"))) {
            int limited = 0;
            Response last = null;
            for (int i = 0; i < 6; i++) {
                last = s.postWith("/v2/models/dense/infer", body, "X-API-Key", infer.key());
                if (last.status() == 429) {
                    limited++;
                    assertThat(last.header("Retry-After")).isEqualTo("1");
                    assertThat(last.json().get("error").asText()).contains("QLNN_RATE_LIMIT_RPS").contains("'app'");
                }
            }
            assertThat(limited).as("6 requests at once against 2 per second").isGreaterThanOrEqualTo(2);
            // Another key has its own bucket.
            assertThat(s.postWith("/v2/models/dense/infer", body, "X-API-Key", admin.key()).status()).isEqualTo(200);
            assertThat(s.get("/metrics").body()).contains("quantum_liquid_rejected_total{reason=\"rate_limit\"}");
        }
    }
}
