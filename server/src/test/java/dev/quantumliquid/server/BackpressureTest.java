package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QLNN_MAX_QUEUE_MS: a request that cannot get a worker in time is a quick 503, counted by reason. */
class BackpressureTest {
    @TempDir
    Path dir;

    @Test
    void aRequestWaitingLongerThanMaxQueueMsIs503WithRetryAfter() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("models"));
        TestModels.writeStandIn(repo, "slow", 1, TestModels.Behaviour.SLOW);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_WORKERS", "1", "QLNN_MAX_INFLIGHT", "8",
                "QLNN_MAX_QUEUE_MS", "100", "QLNN_CACHE_SIZE", "0"));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            String body = Bodies.infer(Bodies.input(1, 3, 3, 0f)).toString(); // about 0.9 s on the only worker
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> s.post("/v2/models/slow/infer", body), callers);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!s.get("/metrics").body().contains("quantum_liquid_inflight_requests 1.0")) {
                assertThat(System.nanoTime()).as("the first request reaches the pool").isLessThan(deadline);
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            Response queued = s.post("/v2/models/slow/infer", body);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(queued.status()).as(queued.body()).isEqualTo(503);
            assertThat(queued.header("Retry-After")).isEqualTo("1");
            assertThat(queued.json().get("error").asText()).contains("QLNN_MAX_QUEUE_MS").contains("100 ms");
            assertThat(waitedMs).as("bounded by the queue wait, not the 0.9 s job").isBetween(90L, 700L);
            assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("quantum_liquid_rejected_total{reason=\"queue_timeout\"} 1.0")
                    .contains("quantum_liquid_inflight_requests 0.0");
        }
    }
}
