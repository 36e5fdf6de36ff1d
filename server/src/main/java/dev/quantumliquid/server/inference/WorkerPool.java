package dev.quantumliquid.server.inference;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds CPU-bound inference: at most {@code workers} computations run at once and at most
 * {@code maxInflight} run or wait. Beyond that a task is refused at once (503, decided by one
 * non-blocking semaphore try), so there is never an unbounded queue behind the virtual request
 * threads; a task that waits longer than {@code maxQueue} for a worker is withdrawn (503) before it
 * starts.
 *
 * <p>A small task (at most {@value #INLINE_MAX_STEPS} model steps) runs on the calling thread once it
 * holds a worker slot: handing a few microseconds of work to another thread and back costs more
 * than the work (two thread wake-ups and a timed park per request). A larger task runs on one of
 * {@code workers} platform threads, so that long computations never hold the few carrier threads
 * of the virtual request threads (health probes and small requests keep being answered meanwhile).
 */
public final class WorkerPool implements AutoCloseable {
    /** Largest task (batch x steps) that runs on the calling thread; it holds that thread for tens of microseconds. */
    public static final long INLINE_MAX_STEPS = 16;

    private final int maxInflight;
    private final Duration maxQueue;
    private final Semaphore permits; // running or waiting
    private final Semaphore slots;   // running; fair, so tasks that had to wait start in arrival order
    private final ThreadPoolExecutor executor;
    private volatile boolean closed;

    public WorkerPool(int workers, int maxInflight, Duration maxQueue) {
        this.maxInflight = maxInflight;
        this.maxQueue = maxQueue;
        this.permits = new Semaphore(maxInflight);
        this.slots = new Semaphore(workers, true);
        AtomicInteger n = new AtomicInteger();
        // A task reaches the executor only holding a slot, so at most `workers` tasks are ever queued or running.
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(workers),
                r -> {
                    Thread t = new Thread(r, "qlnn-infer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A pool whose tasks may wait up to a minute for a worker (unit tests). */
    public WorkerPool(int workers, int maxInflight) {
        this(workers, maxInflight, Duration.ofMinutes(1));
    }

    /** Runs a large task on the pool and waits for it; 503 (OVERLOADED) when the pool is full or the wait too long. */
    public <T> T run(Callable<T> task) {
        return run(Long.MAX_VALUE, task);
    }

    /**
     * Runs a task of {@code steps} model steps (batch x sequence length) once a worker slot is free,
     * on the calling thread when it is small, else on a pool thread; 503 (OVERLOADED) when
     * QLNN_MAX_INFLIGHT tasks are already running or waiting, or no slot frees within QLNN_MAX_QUEUE_MS.
     */
    public <T> T run(long steps, Callable<T> task) {
        return run(steps, Duration.ZERO, task);
    }

    /**
     * As {@link #run(long, Callable)}, waiting for a worker at most {@code timeout} when that is
     * positive and shorter than QLNN_MAX_QUEUE_MS (a request's own deadline; 503 when it passes).
     */
    public <T> T run(long steps, Duration timeout, Callable<T> task) {
        boolean own = timeout.isPositive() && timeout.compareTo(maxQueue) < 0;
        Duration wait = own ? timeout : maxQueue;
        if (closed) {
            throw new ServerException(Kind.NOT_READY, "inference pool is shut down");
        }
        if (!permits.tryAcquire()) {
            throw ServerException.rejected(Kind.OVERLOADED, "inflight", "server busy: " + maxInflight
                    + " inference requests in flight (QLNN_MAX_INFLIGHT); retry later");
        }
        boolean slot = false;
        try {
            // A free slot is taken at once (no park, no hand-off); only when none is free does the task queue, in order.
            slot = slots.tryAcquire() || slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            permits.release();
            Thread.currentThread().interrupt();
            throw new ServerException(Kind.NOT_READY, "request interrupted (server stopping)");
        }
        if (!slot) {
            permits.release();
            if (own) {
                throw ServerException.rejected(Kind.OVERLOADED, "timeout", "timeout: no inference worker free within the "
                        + "request's timeout of " + timeout.toNanos() / 1000 + " microseconds; retry later");
            }
            throw ServerException.rejected(Kind.OVERLOADED, "queue_timeout", "server busy: no inference worker free within "
                    + maxQueue.toMillis() + " ms (QLNN_MAX_QUEUE_MS); retry later");
        }
        if (steps <= INLINE_MAX_STEPS) {
            try {
                return task.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                slots.release();
                permits.release();
            }
        }
        return onPool(task);
    }

    /** Runs on a pool thread, which gives the slot and permit back when the task ends (even if the caller stopped waiting). */
    private <T> T onPool(Callable<T> task) {
        AtomicBoolean claimed = new AtomicBoolean(); // whoever sets it first decides: the worker runs, or the caller withdraws
        Future<T> f;
        try {
            f = executor.submit(() -> {
                if (!claimed.compareAndSet(false, true)) {
                    return null; // withdrawn by the caller, which gave the slot and permit back
                }
                try {
                    return task.call();
                } finally {
                    slots.release();
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            permits.release();
            throw new ServerException(Kind.NOT_READY, "inference pool is shut down");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            if (claimed.compareAndSet(false, true)) { // it never started, so its slot and permit would leak
                executor.remove((Runnable) f);
                slots.release();
                permits.release();
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

    /**
     * Whether a task of {@code steps} model steps would run on the calling thread without waiting if
     * it were submitted now: it is small and a worker slot is free. A hint for callers that must not
     * block (a transport's event loop): another thread may take the slot in between, and the task
     * then waits as {@link #run(long, Duration, Callable)} says.
     */
    public boolean runsAtOnce(long steps) {
        return steps <= INLINE_MAX_STEPS && !closed && slots.availablePermits() > 0;
    }

    /** Tasks running or waiting now. */
    public int inflight() {
        return maxInflight - permits.availablePermits();
    }

    /** Refuses new tasks, lets running ones finish (up to {@code grace}), then interrupts what is left on the pool. */
    public void close(Duration grace) {
        closed = true;
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
        closed = true;
        executor.shutdownNow();
    }
}
