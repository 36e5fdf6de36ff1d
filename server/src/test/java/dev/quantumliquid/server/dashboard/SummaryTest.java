package dev.quantumliquid.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.metrics.ServerMetrics;
import dev.quantumliquid.server.repository.VersionStatus;
import dev.quantumliquid.server.repository.VersionStatus.State;
import dev.quantumliquid.testkit.Await;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The summary's numbers from the server's real metric objects at known instants. */
class SummaryTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ServerMetrics metrics = new ServerMetrics(registry);
    private final List<VersionStatus> index = List.of(
            new VersionStatus("m", 1, State.READY, "", Optional.empty()),
            new VersionStatus("m", 2, State.READY, "", Optional.empty()),
            new VersionStatus("q", 1, State.UNAVAILABLE, "energy budget: 80 uW > 50 uW", Optional.empty()));
    private final List<Sample> samples = new ArrayList<>();

    private void sampleAt(long seconds) {
        samples.add(Sample.of(registry.scrape(), seconds * 1000));
    }

    private JsonNode summary() {
        return new Summary(samples, 60_000).json(index, 0.6, 5_000);
    }

    private static JsonNode model(JsonNode s, String name) {
        for (JsonNode m : s.get("models")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no model " + name + " in " + s);
    }

    private void traffic() {
        for (int i = 0; i < 8; i++) {
            metrics.request("m", "1", "inference", 200, 0.003);
        }
        metrics.request("m", "1", "inference", 500, 0.2);
        metrics.request("m", "1", "infer", 503, 0.2);
        for (int i = 0; i < 10; i++) {
            metrics.request("m", "2", "infer", 200, 0.004);
        }
        for (int i = 0; i < 5; i++) {
            metrics.request("", "", "unmatched", 404, 0.0001);
        }
        // inference time of m: 4 in (0.0005, 0.001], 4 in (0.0025, 0.005], 2 in (0.25, 0.5]
        for (int i = 0; i < 4; i++) {
            metrics.inference("m", 0.0007);
            metrics.inference("m", 0.004);
        }
        metrics.inference("m", 0.3);
        metrics.inference("m", 0.3);
    }

    @Test
    void grpcFailuresCountAsServerErrorsAndClientStatusesDoNot() {
        sampleAt(0);
        for (int i = 0; i < 6; i++) {
            metrics.request(ServerMetrics.GRPC, "m", "1", "infer", "OK", 0.001);
        }
        metrics.request(ServerMetrics.GRPC, "m", "1", "infer", "INTERNAL", 0.001);
        metrics.request(ServerMetrics.GRPC, "m", "1", "infer", "UNAVAILABLE", 0.001);
        metrics.request(ServerMetrics.GRPC, "m", "1", "infer", "INVALID_ARGUMENT", 0.001);
        metrics.request(ServerMetrics.GRPC, "m", "1", "infer", "RESOURCE_EXHAUSTED", 0.001);
        sampleAt(20);
        assertThat(model(summary(), "m").get("error_rate").asDouble()).isCloseTo(2 / 10.0, within(1e-12));
    }

    @Test
    void ratesErrorRatesAndQuantilesOverTheWindow() {
        sampleAt(0);
        traffic();
        sampleAt(20);
        JsonNode s = summary();
        JsonNode m = model(s, "m");
        assertThat(m.get("requests").asDouble()).isEqualTo(20);
        assertThat(m.get("request_rate").asDouble()).isCloseTo(1.0, within(1e-12)); // 20 in 20 s
        assertThat(m.get("error_rate").asDouble()).isCloseTo(0.1, within(1e-12)); // 2 of 20 were 5xx
        JsonNode v1 = m.get("versions").get(0);
        assertThat(v1.get("version").asText()).isEqualTo("1");
        assertThat(v1.get("request_rate").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(v1.get("error_rate").asDouble()).isCloseTo(0.2, within(1e-12));
        assertThat(m.get("versions").get(1).get("error_rate").asDouble()).isZero();
        assertThat(m.get("inferences").asLong()).isEqualTo(10);
        JsonNode lat = m.get("latency_s");
        assertThat(lat.get("p50").asDouble()).isCloseTo(0.0025 + 0.0025 * 1 / 4, within(1e-12)); // rank 5
        assertThat(lat.get("p95").asDouble()).isCloseTo(0.25 + 0.25 * 1.5 / 2, within(1e-12)); // rank 9.5
        assertThat(lat.get("p99").asDouble()).isCloseTo(0.25 + 0.25 * 1.9 / 2, within(1e-12)); // rank 9.9

        JsonNode server = s.get("server");
        assertThat(server.get("request_rate").asDouble()).isCloseTo(25 / 20.0, within(1e-12));
        assertThat(server.get("error_rate").asDouble()).isCloseTo(2 / 25.0, within(1e-12));
        // request latency of infer|inference: 8 x 3 ms, 10 x 4 ms, 2 x 200 ms -> p50 rank 10 in (0.0025, 0.005]
        assertThat(server.get("latency_s").get("p50").asDouble()).isCloseTo(0.0025 + 0.0025 * 10 / 18, within(1e-12));

        JsonNode q = model(s, "q");
        assertThat(q.get("ready").asBoolean()).isFalse();
        assertThat(q.get("versions").get(0).get("state").asText()).isEqualTo("UNAVAILABLE");
        assertThat(q.get("versions").get(0).get("reason").asText()).contains("energy budget");
        assertThat(q.get("request_rate").asDouble()).isZero();
        assertThat(q.get("error_rate").isNull()).isTrue();
        assertThat(q.get("latency_s").get("p99").isNull()).isTrue();
        assertThat(q.get("coherence").isNull()).isTrue();
    }

    @Test
    void olderTrafficLeavesTheWindowAndTheHistoryKeepsItsPoints() {
        sampleAt(0);
        traffic(); // between 0 s and 30 s
        sampleAt(30);
        sampleAt(60);
        for (int i = 0; i < 12; i++) {
            metrics.request("m", "2", "infer", 200, 0.001);
        }
        metrics.inference("m", 2.0); // in (1, 2.5]
        sampleAt(90);
        JsonNode m = model(summary(), "m");
        // at 90 s the window starts at 30 s: only the last 12 requests and one inference
        assertThat(m.get("requests").asDouble()).isEqualTo(12);
        assertThat(m.get("request_rate").asDouble()).isCloseTo(12 / 60.0, within(1e-12));
        assertThat(m.get("error_rate").asDouble()).isZero();
        assertThat(m.get("latency_s").get("p50").asDouble()).isCloseTo(1.75, within(1e-12));
        JsonNode h = m.get("history");
        assertThat(h.get("t").toString()).isEqualTo("[0,30000,60000,90000]");
        assertThat(h.get("request_rate").get(0).isNull()).isTrue(); // nothing before the first sample
        assertThat(h.get("request_rate").get(1).asDouble()).isCloseTo(20 / 30.0, within(1e-12));
        assertThat(h.get("request_rate").get(2).asDouble()).isCloseTo(20 / 60.0, within(1e-12));
        assertThat(h.get("request_rate").get(3).asDouble()).isCloseTo(12 / 60.0, within(1e-12));
        assertThat(h.get("error_rate").get(2).asDouble()).isCloseTo(0.1, within(1e-12));
        assertThat(h.get("p95").get(1).asDouble()).isCloseTo(0.4375, within(1e-12));
        assertThat(h.get("p95").get(3).asDouble()).isCloseTo(2.425, within(1e-12)); // one observation in (1, 2.5]
    }

    @Test
    void gaugesAreTheirValueAtEachSample() {
        AtomicReference<Double> coherence = new AtomicReference<>(0.9);
        AtomicReference<Double> power = new AtomicReference<>(12.5);
        GaugeWithCallback.builder().name("quantum_liquid_coherence_avg").labelNames("model")
                .callback(cb -> cb.call(coherence.get(), "m")).register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_model_power_microwatts").labelNames("model", "version")
                .callback(cb -> {
                    cb.call(power.get(), "m", "2");
                    cb.call(99.0, "m", "1");
                }).register(registry);
        sampleAt(0);
        coherence.set(0.4);
        power.set(20.0);
        sampleAt(5);
        JsonNode m = model(summary(), "m");
        assertThat(m.get("coherence").asDouble()).isEqualTo(0.4);
        assertThat(m.get("history").get("coherence").toString()).isEqualTo("[0.9,0.4]");
        assertThat(m.get("history").get("power_uw").toString()).isEqualTo("[12.5,20.0]"); // newest version's
        assertThat(m.get("history").get("p50").toString()).isEqualTo("[null,null]");
    }

    @Test
    void theHistoryIsBoundedAndTheSamplerStops() throws InterruptedException {
        History h = new History(3);
        for (int i = 0; i < 5; i++) {
            h.add(Sample.of(registry.scrape(), i));
        }
        assertThat(h.list()).extracting(Sample::atMillis).containsExactly(2L, 3L, 4L);

        Sampler sampler = new Sampler(registry, Clock.systemUTC(), Duration.ofMillis(5), 4);
        java.util.Set<Thread> others = samplerThreads(); // of servers other tests left running, if any
        sampler.start();
        Await.until("four samples", () -> sampler.history().list().size() == 4);
        java.util.Set<Thread> mine = samplerThreads();
        mine.removeAll(others);
        assertThat(mine).hasSize(1);
        sampler.stop();
        assertThat(sampler.running()).isFalse();
        long last = sampler.history().list().getLast().atMillis();
        // Only the sampler's own thread takes samples: once it has ended, none can land.
        Thread thread = mine.iterator().next();
        thread.join(5_000);
        assertThat(thread.isAlive()).as("the sampler thread ends after stop").isFalse();
        assertThat(sampler.history().list().getLast().atMillis()).as("no sample lands after stop returns").isEqualTo(last);
    }

    private static java.util.Set<Thread> samplerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(Sampler.THREAD_NAME) && t.isAlive())
                .collect(java.util.stream.Collectors.toSet());
    }
}
