package dev.quantumliquid.testkit;

import java.time.Duration;

/**
 * Waits for a condition to hold, failing with what was awaited once a deadline passes. The deadline
 * only bounds the wait (a slow machine makes a test slower, never greener); the pause between checks
 * is the poll's pace, never a decision.
 */
public final class Await {
    /** Enough for a server, a watcher or a child process on a loaded machine; a passing test returns as soon as it can. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);
    private static final long PAUSE_MILLIS = 20;

    /** A check that may throw (an HTTP call, a file read); an exception counts as "not yet". */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Waits up to {@link #DEFAULT} until {@code condition} holds. */
    public static void until(String what, Condition condition) {
        until(what, DEFAULT, condition);
    }

    /** Waits up to {@code deadline} until {@code condition} holds; the last exception, if any, is the failure's cause. */
    public static void until(String what, Duration deadline, Condition condition) {
        long end = System.nanoTime() + deadline.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("not within " + deadline + ": " + what, last);
            }
            try {
                Thread.sleep(PAUSE_MILLIS); // the poll's pause
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }
}
