package dev.quantumliquid.server.inference;

import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.ServerException.Kind;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool CPU-bound inference runs on: a fixed number of platform threads and at most
 * {@code maxInflight} tasks running or waiting. Beyond that a task is refused at once (503, decided
 * by one non-blocking semaphore try), so there is never an unbounded queue behind the virtual
 * request threads; a task that waits longer than {@code maxQueue} for a thread is withdrawn (503)
 * before it starts.
 */
public final class WorkerPool implements AutoCloseable {
    private final int maxInflight;
    private final Duration maxQueue;
    private final Semaphore permits;
    private final ThreadPoolExecutor executor;

    public WorkerPool(int threads, int maxInflight, Duration maxQueue) {
        this.maxInflight = maxInflight;
        this.maxQueue = maxQueue;
        this.permits = new Semaphore(maxInflight);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxInflight), r -> {
                    Thread t = new Thread(r, "qlnn-infer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A pool whose tasks may wait up to a minute for a thread (unit tests). */
    public WorkerPool(int threads, int maxInflight) {
        this(threads, maxInflight, Duration.ofMinutes(1));
    }

    /** Runs the task on the pool and waits for it; 503 (OVERLOADED) when the pool is full or the wait too long. */
    public <T> T run(Callable<T> task) {
        if (!permits.tryAcquire()) {
            throw ServerException.rejected(Kind.OVERLOADED, "inflight", "server busy: " + maxInflight
                    + " inference requests in flight (QLNN_MAX_INFLIGHT); retry later");
        }
        AtomicBoolean claimed = new AtomicBoolean(); // whoever sets it first decides: the worker runs, or the caller withdraws
        Future<T> f;
        try {
            f = executor.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // withdrawn by the caller, which released the permit
                }
                try {
                    return task.call();
                } finally {
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            throw new ServerException(Kind.NOT_READY, "inference pool is shut down");
        }
        try {
            try {
                return f.get(maxQueue.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (claimed.compareAndSet(false, true)) {
                    executor.remove((Runnable) f);
                    permits.release();
                    throw ServerException.rejected(Kind.OVERLOADED, "queue_timeout", "server busy: no inference worker free within "
                            + maxQueue.toMillis() + " ms (QLNN_MAX_QUEUE_MS); retry later");
                }
                return f.get(); // it started in time: let it finish
            }
        } catch (InterruptedException e) {
            if (claimed.compareAndSet(false, true)) {
                permits.release(); // it never started, so its permit would leak
            }
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ServerException(Kind.NOT_READY, "request interrupted (server stopping)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Tasks running or waiting now. */
    public int inflight() {
        return maxInflight - permits.availablePermits();
    }

    /** Lets running tasks finish (up to {@code grace}), then interrupts what is left. */
    public void close(Duration grace) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
