package dev.quantumliquid.server.inference;

import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.ServerException.Kind;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool CPU-bound inference runs on: a fixed number of platform threads and at most
 * {@code maxInflight} tasks running or waiting. Beyond that a task is refused at once (503), so
 * there is never an unbounded queue behind the virtual request threads.
 */
public final class WorkerPool implements AutoCloseable {
    private final int maxInflight;
    private final Semaphore permits;
    private final ThreadPoolExecutor executor;

    public WorkerPool(int threads, int maxInflight) {
        this.maxInflight = maxInflight;
        this.permits = new Semaphore(maxInflight);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxInflight), r -> {
                    Thread t = new Thread(r, "qlnn-infer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Runs the task on the pool and waits for it; 503 (OVERLOADED) when the pool is full. */
    public <T> T run(Callable<T> task) {
        if (!permits.tryAcquire()) {
            throw new ServerException(Kind.OVERLOADED, "server busy: " + maxInflight
                    + " inference requests in flight (QLNN_MAX_INFLIGHT); retry later");
        }
        Future<T> f;
        try {
            f = executor.submit(() -> {
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
            return f.get();
        } catch (InterruptedException e) {
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

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
