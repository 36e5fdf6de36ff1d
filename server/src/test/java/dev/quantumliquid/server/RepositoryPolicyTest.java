package dev.quantumliquid.server;

import dev.quantumliquid.server.error.ServerException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.repository.Power;
import dev.quantumliquid.server.repository.PowerEstimator;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Energy budget, readiness without models, metrics switched off, overload and internal errors. */
class RepositoryPolicyTest {
    @TempDir
    Path repo;

    /** 80 uW for the model named "hungry", 5 uW for the others. */
    private static final PowerEstimator ESTIMATE = m -> Optional.of(m.name().equals("hungry")
            ? new Power(8.0, 80.0) : new Power(0.5, 5.0));

    private static void assertError(Response r, int status, String fragment) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(fragment);
    }

    @Test
    void aModelOverTheEnergyBudgetIsNotServedUnderEnforce() {
        TestModels.writeDense(repo, "hungry", 1, 0f);
        TestModels.writeDense(repo, "frugal", 1, 0f);
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of()), ESTIMATE)) {
            assertError(s.get("/v2/models/hungry/ready"), 503, "ENERGY_BUDGET_UW");
            assertThat(s.get("/v2/models/hungry/ready").header("Retry-After")).isNotBlank();
            JsonNode index = s.post("/v2/repository/index", "").json();
            assertThat(index.toString()).contains("\"name\":\"hungry\",\"version\":\"1\",\"state\":\"UNAVAILABLE\"")
                    .contains("80.000 uW exceeds ENERGY_BUDGET_UW 50.000");
            assertThat(s.get("/v2/models/frugal/ready").status()).isEqualTo(200);
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("quantum_liquid_errors_total{kind=\"energy_budget\",model=\"hungry\"} 1.0",
                    "quantum_liquid_model_power_microwatts{model=\"frugal\",version=\"1\"} 5.0",
                    "quantum_liquid_model_energy_microjoules_per_step{model=\"frugal\",version=\"1\"} 0.5",
                    "quantum_liquid_model_ready{model=\"hungry\",version=\"1\"} 0.0");
            assertThat(s.get("/health").json().get("status").asText()).isEqualTo("degraded");
            assertThat(s.get("/v2/models/frugal").json().get("parameters").get("power_microwatts").asDouble()).isEqualTo(5.0);
        }
    }

    @Test
    void warnServesItAnywayAndSaysSo() {
        TestModels.writeDense(repo, "hungry", 1, 0f);
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_ENERGY_POLICY", "warn")), ESTIMATE)) {
            assertThat(s.post("/v2/models/hungry/infer", Bodies.infer(Bodies.input(1, 1, 3, 0f))).status()).isEqualTo(200);
            assertThat(s.post("/v2/repository/index", "").body()).contains("READY").contains("served anyway");
        }
    }

    @Test
    void withoutAReadyModelReadinessIs503AndHealthDegraded() {
        try (TestServer s = TestServer.start(repo, Map.of())) {
            for (String p : new String[] {"/ready", "/v2/health/ready"}) {
                Response r = s.get(p);
                assertError(r, 503, "no model is ready");
                assertThat(r.header("Retry-After")).isEqualTo("1");
            }
            assertThat(s.get("/v2/health/live").status()).isEqualTo(200);
            Response h = s.get("/health");
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.json().get("status").asText()).isEqualTo("degraded");
            assertThat(h.json().get("quantum_coherence").isNull()).isTrue();
            assertError(s.post("/inference", "{\"input\":[1,2,3]}"), 503, "no model is ready");

            TestModels.writeDense(repo, "late", 1, 0f);
            assertThat(s.post("/v2/repository/models/late/load", "").status()).isEqualTo(200);
            assertThat(s.get("/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void aPortInUseStopsStartUpNamingTheVariable() {
        try (TestServer first = TestServer.start(repo, Map.of())) {
            assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_PORT", Integer.toString(first.server.port()))))
                    .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.CONFIG))
                    .hasMessageStartingWith("QLNN_PORT: cannot listen on 127.0.0.1:" + first.server.port());
        }
    }

    @Test
    void stoppingDrainsReadinessWhileStillAnswering() throws Exception {
        TestModels.writeDense(repo, "dense", 1, 0f);
        TestServer s = TestServer.start(repo, Map.of("QLNN_DRAIN_S", "1.5"));
        assertThat(s.get("/ready").status()).isEqualTo(200);
        Thread stopper = Thread.ofVirtual().start(s::close);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            Response r = s.get("/ready");
            while (r.status() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                r = s.get("/ready");
            }
            assertError(r, 503, "draining");
            assertError(s.get("/v2/health/ready"), 503, "draining");
            assertThat(s.get("/v2/health/live").status()).isEqualTo(200);
            assertThat(s.post("/inference", "{\"input\":[1,2,3]}").status()).isEqualTo(200);
        } finally {
            stopper.join();
        }
    }

    @Test
    void enableMetricsFalseRemovesTheEndpoint() {
        TestModels.writeDense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("ENABLE_METRICS", "false"))) {
            assertError(s.get("/metrics"), 404, "no endpoint");
            assertThat(s.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aFullInferencePoolAnswers503WithRetryAfter() throws Exception {
        TestModels.writeStandIn(repo, "slow", 1, TestModels.Behaviour.SLOW);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_MAX_INFLIGHT", "1", "QLNN_WORKERS", "1", "QLNN_CACHE_SIZE", "0"));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            String body = Bodies.infer(Bodies.input(1, 3, 3, 0f)).toString(); // 3 steps: about 0.9 s on the pool
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> s.post("/v2/models/slow/infer", body),
                    callers);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!s.get("/metrics").body().contains("quantum_liquid_inflight_requests 1.0")) {
                assertThat(System.nanoTime()).as("the first request reaches the pool").isLessThan(deadline);
                Thread.sleep(10);
            }
            Response second = s.post("/v2/models/slow/infer", body);
            assertError(second, 503, "QLNN_MAX_INFLIGHT");
            assertThat(second.header("Retry-After")).isEqualTo("1");
            assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(s.get("/metrics").body()).contains("quantum_liquid_errors_total{kind=\"overloaded\",model=\"slow\"} 1.0");
        }
    }

    @Test
    void anInternalErrorIs500WithTheRequestIdOnly() {
        TestModels.writeStandIn(repo, "fragile", 1, TestModels.Behaviour.EXPLODE);
        try (TestServer s = TestServer.start(repo, Map.of())) {
            Response r = s.post("/inference", "{\"input\":[9,0,0]}");
            assertThat(r.status()).isEqualTo(500);
            String id = r.header("X-Request-Id");
            assertThat(r.json().get("error").asText()).isEqualTo("internal error (request id " + id + ")");
            assertThat(r.body()).doesNotContain("secret").doesNotContain("IllegalStateException");
            assertThat(s.post("/inference", "{\"input\":[1,0,0]}").status()).isEqualTo(200);
        }
    }
}
