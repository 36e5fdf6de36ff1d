package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.FaultyLayer;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
        TestModels.dense(repo, "slow", 1, 0f);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_WORKERS", "1", "QLNN_MAX_INFLIGHT", "8",
                "QLNN_MAX_QUEUE_MS", "100", "QLNN_CACHE_SIZE", "0")), TestLoaders.withFault("slow",
                FaultyLayer.held(5, entered, release)));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            String held = Bodies.infer(Bodies.triggering(1, 3, 3, 0f)).toString(); // holds the only worker until released
            CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> s.post("/v2/models/slow/infer", held), callers);
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("the first request runs").isTrue();
            long t0 = System.nanoTime();
            Response queued = s.post("/v2/models/slow/infer", Bodies.infer(Bodies.input(1, 3, 3, 0f)).toString());
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(queued.status()).as(queued.body()).isEqualTo(503);
            assertThat(queued.header("Retry-After")).isEqualTo("1");
            assertThat(queued.json().get("error").asText()).contains("QLNN_MAX_QUEUE_MS").contains("100 ms");
            assertThat(waitedMs).as("it waited for a worker up to QLNN_MAX_QUEUE_MS").isGreaterThanOrEqualTo(90L);
            assertThat(first.isDone()).as("answered while the job still holds the worker, not after it").isFalse();
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            String metrics = s.get("/metrics").body();
            assertThat(metrics).contains("quantum_liquid_rejected_total{reason=\"queue_timeout\"} 1.0")
                    .contains("quantum_liquid_inflight_requests 0.0");
        }
    }
}
