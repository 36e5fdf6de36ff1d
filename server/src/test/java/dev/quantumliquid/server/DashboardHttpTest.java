package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.server.repository.Power;
import dev.quantumliquid.server.repository.PowerEstimator;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.FaultyLayer;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's page, assets and summary over HTTP from a real server. */
class DashboardHttpTest {
    @TempDir
    Path repo;

    private static JsonNode model(JsonNode summary, String name) {
        for (JsonNode m : summary.get("models")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no model " + name + " in " + summary);
    }

    private static long samplerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("qlnn-dashboard-sampler") && t.isAlive()).count();
    }

    @Test
    void pageAndAssetsAreServedWithAStrictContentSecurityPolicy() {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of())) {
            Response page = s.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'")
                    .doesNotContain("unsafe");
            assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
            // no inline script or style, nothing from elsewhere
            Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(page.body());
            int n = 0;
            while (scripts.find()) {
                assertThat(scripts.group(1)).contains("src=\"/dashboard/");
                n++;
            }
            assertThat(n).isEqualTo(1);
            assertThat(page.body()).doesNotContain("<style").doesNotContain("style=").doesNotContain("http://")
                    .doesNotContain("https://");
            Response js = s.get("/dashboard/app.js");
            assertThat(js.status()).isEqualTo(200);
            assertThat(js.header("Content-Type")).startsWith("text/javascript");
            assertThat(js.body()).contains("/dashboard/api/summary").doesNotContain("innerHTML").doesNotContain("eval(");
            assertThat(s.get("/dashboard/app.css").header("Content-Type")).startsWith("text/css");
            assertThat(s.get("/dashboard/favicon.svg").status()).isEqualTo(200);
            Response missing = s.get("/dashboard/nope.js");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("error").asText()).contains("no endpoint");
            assertThat(s.get("/metrics").body()).contains("endpoint=\"dashboard\"");
        }
    }

    @Test
    void summaryCountsTheRequestsErrorsLatencyAndCoherenceOfEachModel() {
        TestLoaders.writeLeaky(repo, "leaky", 1);
        TestModels.dense(repo, "dense", 1, 0f);
        TestModels.dense(repo, "fragile", 1, 0f);
        PowerEstimator power = m -> Optional.of(m.name().equals("leaky") ? new Power(0.25, 2.5) : new Power(0.1, 1.0));
        long before = System.currentTimeMillis();
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of()), TestLoaders.withFault("fragile",
                FaultyLayer.exploding(5)), power)) {
            long after = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                assertThat(s.post("/inference", "{\"model\":\"leaky\",\"inputs\":[[" + i + ",0.5,0.1],[0.2,0.1,0]]}").status())
                        .isEqualTo(200);
            }
            assertThat(s.post("/inference", "{\"model\":\"fragile\",\"input\":[1,0,0]}").status()).isEqualTo(200);
            assertThat(s.post("/inference", "{\"model\":\"fragile\",\"input\":[7,0,0]}").status()).isEqualTo(500);
            double healthCoherence = s.get("/health").json().get("coherence_by_model").get("leaky").asDouble();

            Response r = s.get("/dashboard/api/summary");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            JsonNode sum = r.json();
            long generated = sum.get("generated_at").asLong();
            assertThat(sum.get("coherence_threshold").asDouble()).isEqualTo(0.6);

            JsonNode leaky = model(sum, "leaky");
            assertThat(leaky.get("ready").asBoolean()).isTrue();
            assertThat(leaky.get("quantum").asBoolean()).isTrue();
            assertThat(leaky.get("input_features").asInt()).isEqualTo(TestModels.FEATURES);
            assertThat(leaky.get("requests").asDouble()).isEqualTo(3);
            // 3 requests since the first sample, taken while the server started
            assertThat(leaky.get("request_rate").asDouble())
                    .isBetween(3 * 1000.0 / (generated - before), 3 * 1000.0 / Math.max(1, generated - after));
            assertThat(leaky.get("error_rate").asDouble()).isZero();
            assertThat(leaky.get("inferences").asLong()).isEqualTo(3);
            JsonNode lat = leaky.get("latency_s");
            assertThat(lat.get("p50").asDouble()).isPositive().isLessThanOrEqualTo(lat.get("p95").asDouble());
            assertThat(lat.get("p95").asDouble()).isLessThanOrEqualTo(lat.get("p99").asDouble());
            assertThat(leaky.get("coherence").asDouble()).isEqualTo(healthCoherence);
            JsonNode v = leaky.get("versions").get(0);
            assertThat(v.get("version").asText()).isEqualTo("1");
            assertThat(v.get("state").asText()).isEqualTo("READY");
            assertThat(v.get("requests").asDouble()).isEqualTo(3);
            assertThat(v.get("power_uw").asDouble()).isEqualTo(2.5);
            assertThat(v.get("energy_uj_per_step").asDouble()).isEqualTo(0.25);

            JsonNode fragile = model(sum, "fragile");
            assertThat(fragile.get("requests").asDouble()).isEqualTo(2);
            assertThat(fragile.get("error_rate").asDouble()).isEqualTo(0.5);
            assertThat(fragile.get("versions").get(0).get("error_rate").asDouble()).isEqualTo(0.5);

            JsonNode dense = model(sum, "dense");
            assertThat(dense.get("quantum").asBoolean()).isFalse();
            assertThat(dense.get("requests").asDouble()).isZero();
            assertThat(dense.get("error_rate").isNull()).isTrue();
            assertThat(dense.get("coherence").isNull()).isTrue();
            assertThat(dense.get("latency_s").get("p50").isNull()).isTrue();

            JsonNode h = leaky.get("history");
            int points = h.get("t").size();
            assertThat(points).isGreaterThanOrEqualTo(2);
            for (String series : new String[] {"request_rate", "error_rate", "p50", "p95", "p99", "coherence", "power_uw"}) {
                assertThat(h.get(series).size()).as(series).isEqualTo(points);
            }
            assertThat(h.get("t").get(points - 1).asLong()).isEqualTo(generated);
            assertThat(h.get("request_rate").get(points - 1).asDouble()).isPositive();
            assertThat(h.get("power_uw").get(points - 1).asDouble()).isEqualTo(2.5);
            assertThat(h.get("coherence").get(points - 1).asDouble()).isEqualTo(healthCoherence);
            assertThat(sum.get("server").get("requests").asDouble()).isGreaterThanOrEqualTo(6); // 5 inferences, /health
            assertThat(sum.get("server").get("error_rate").asDouble()).isPositive();
        }
    }

    @Test
    void theSamplerRunsWhileTheServerDoes() throws InterruptedException {
        TestModels.dense(repo, "dense", 1, 0f);
        long idle = samplerThreads();
        TestServer s = TestServer.start(repo, Map.of());
        assertThat(samplerThreads()).isEqualTo(idle + 1);
        s.close();
        Await.until("the sampler thread ends with the server", () -> samplerThreads() == idle);
    }

    @Test
    void aServerThatCannotListenLeavesNoSamplerBehind() throws InterruptedException {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer first = TestServer.start(repo, Map.of())) {
            long running = samplerThreads();
            assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_PORT", Integer.toString(first.server.port()))))
                    .hasMessageContaining("QLNN_PORT");
            Await.until("no sampler thread of the server that failed to listen", () -> samplerThreads() == running);
        }
    }
}
