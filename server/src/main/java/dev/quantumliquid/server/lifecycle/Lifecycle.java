package dev.quantumliquid.server.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** Server-wide lifecycle facts the health endpoints report: start time and whether it is draining. */
public final class Lifecycle {
    private final Clock clock;
    private final Instant started;
    private final AtomicBoolean draining = new AtomicBoolean();

    public Lifecycle(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    public Duration uptime() {
        return Duration.between(started, clock.instant());
    }

    /** From now on readiness endpoints answer 503 so load balancers move traffic away. */
    public void startDraining() {
        draining.set(true);
    }

    public boolean draining() {
        return draining.get();
    }
}
