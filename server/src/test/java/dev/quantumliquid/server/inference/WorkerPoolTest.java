package dev.quantumliquid.server.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.testkit.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void beyondMaxInflightATaskIsRefusedAtOnceNotQueued() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = new WorkerPool(1, 2); ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> pool.run(() -> {
                started.countDown();
                release.await();
                return 1;
            }), callers);
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> pool.run(() -> 2), callers); // waits for the thread
            Await.until("b waits for the thread", () -> pool.inflight() == 2);
            assertThatThrownBy(() -> pool.run(() -> 3)).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.OVERLOADED)).hasMessageContaining("QLNN_MAX_INFLIGHT");
            release.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(pool.inflight()).isZero();
            assertThat(pool.run(() -> 4)).isEqualTo(4);
        }
    }

    @Test
    void runsAtOnceOnlyForASmallTaskWhileAWorkerIsFree() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = new WorkerPool(1, 2); ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) {
            assertThat(pool.runsAtOnce(1)).isTrue();
            assertThat(pool.runsAtOnce(WorkerPool.INLINE_MAX_STEPS)).isTrue();
            assertThat(pool.runsAtOnce(WorkerPool.INLINE_MAX_STEPS + 1)).as("a larger task goes to a pool thread").isFalse();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> pool.run(() -> {
                started.countDown();
                release.await();
                return 1;
            }), callers);
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.runsAtOnce(1)).as("the only worker is busy: a task would wait").isFalse();
            release.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(pool.runsAtOnce(1)).as("the worker is free again").isTrue();
        }
    }

    @Test
    void aFullPoolRefusesInMicrosecondsAndAQueuedTaskIsWithdrawnAfterMaxQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = new WorkerPool(1, 2, java.time.Duration.ofMillis(50));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> pool.run(() -> {
                started.countDown();
                release.await();
                return 1;
            }), callers);
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            assertThatThrownBy(() -> pool.run(() -> ran.getAndSet(true))).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.rejectedReason()).isEqualTo("queue_timeout")).hasMessageContaining("QLNN_MAX_QUEUE_MS");
            assertThat(pool.inflight()).as("the withdrawn task gave its permit back").isEqualTo(1);
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> pool.run(() -> 2), callers);
            Await.until("b waits for the thread", () -> pool.inflight() == 2);
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 200; i++) {
                long t0 = System.nanoTime();
                try {
                    pool.run(() -> 3);
                } catch (ServerException e) {
                    assertThat(e.rejectedReason()).isEqualTo("inflight");
                }
                fastest = Math.min(fastest, System.nanoTime() - t0);
            }
            assertThat(fastest).as("a refusal is one semaphore try").isLessThan(200_000L);
            // While a still holds the only worker, b's 50 ms pass and b is withdrawn on its own.
            assertThatThrownBy(() -> b.get(5, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.rejectedReason()).isEqualTo("queue_timeout"));
            assertThat(a.isDone()).as("a still runs").isFalse();
            release.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            pool.close(java.time.Duration.ofSeconds(5)); // returns once every task handed to the workers has ended
            assertThat(ran).as("a withdrawn task never runs").isFalse();
            assertThat(pool.inflight()).isZero();
        }
    }

    @Test
    void aTaskFailureReachesTheCallerUnwrapped() {
        try (WorkerPool pool = new WorkerPool(1, 1)) {
            assertThatThrownBy(() -> pool.run(() -> {
                throw new IllegalArgumentException("boom");
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
            assertThat(pool.inflight()).isZero();
        }
    }

    @Test
    void aSmallTaskRunsOnTheCallingThreadAndALargeOneOnThePool() {
        try (WorkerPool pool = new WorkerPool(1, 2)) {
            Thread caller = Thread.currentThread();
            assertThat(pool.run(WorkerPool.INLINE_MAX_STEPS, Thread::currentThread)).isSameAs(caller);
            assertThat(pool.run(WorkerPool.INLINE_MAX_STEPS + 1, () -> Thread.currentThread().getName()))
                    .startsWith("qlnn-infer-");
            assertThat(pool.inflight()).isZero();
        }
    }

    @Test
    void smallTasksOnTheirCallersCountAgainstTheWorkersAndTheInflightLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = new WorkerPool(1, 2, java.time.Duration.ofMillis(50));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            CompletableFuture<Integer> a = holdTheSlot(pool, callers, release);
            assertThatThrownBy(() -> pool.run(1, () -> 2)).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.rejectedReason()).isEqualTo("queue_timeout"));
            assertThatThrownBy(() -> pool.run(Long.MAX_VALUE, () -> 3)).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.rejectedReason()).isEqualTo("queue_timeout"));
            release.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(pool.inflight()).isZero();
        }
    }

    /** A small task that holds a worker slot until {@code release}; returns once it runs. */
    private static CompletableFuture<Integer> holdTheSlot(WorkerPool pool, ExecutorService callers, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> pool.run(1, () -> {
            started.countDown();
            release.await();
            return 1;
        }), callers);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        return a;
    }

    @Test
    void aRequestsOwnTimeoutShorterThanTheQueueLimitEndsItsWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkerPool pool = new WorkerPool(1, 3, java.time.Duration.ofMinutes(1));
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
                AutoCloseable unblock = release::countDown) { // a failed assertion fails the test instead of hanging it
            CompletableFuture<Integer> a = holdTheSlot(pool, callers, release);
            // With QLNN_MAX_QUEUE_MS at a minute, only the request's 2 ms can end this wait.
            assertThatThrownBy(() -> pool.run(1, java.time.Duration.ofNanos(2_000_000), () -> 2))
                    .isInstanceOfSatisfying(ServerException.class, e -> {
                        assertThat(e.rejectedReason()).isEqualTo("timeout");
                        assertThat(e.kind()).isEqualTo(ServerException.Kind.OVERLOADED);
                        assertThat(e).hasMessage("timeout: no inference worker free within the request's timeout of 2000 "
                                + "microseconds; retry later");
                    });
            release.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(pool.run(1, java.time.Duration.ofNanos(2_000_000), () -> 3)).isEqualTo(3);
        }
    }

    @Test
    void aClosedPoolRefusesSmallTasksToo() {
        WorkerPool pool = new WorkerPool(1, 1);
        pool.close();
        assertThatThrownBy(() -> pool.run(1, () -> 1)).isInstanceOfSatisfying(ServerException.class,
                e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.NOT_READY));
    }
}
