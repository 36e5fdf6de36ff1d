package dev.quantumliquid.server.dashboard;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link Sample} of the server's registry every {@code interval} into a bounded
 * {@link History}, on one daemon thread of its own, from {@link #start()} until {@link #stop()}.
 * Scrapes only the {@code quantum_liquid_*} metrics.
 */
final class Sampler {
    private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);
    static final String THREAD_NAME = "qlnn-dashboard-sampler";
    /** How long stop waits for a sample in progress (one scrape of the registry). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final PrometheusRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final History history;
    private ScheduledExecutorService timer;

    Sampler(PrometheusRegistry registry, Clock clock, Duration interval, int capacity) {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms");
        }
        this.registry = registry;
        this.clock = clock;
        this.interval = interval;
        this.history = new History(capacity);
    }

    /** The registry now (not kept). */
    Sample now() {
        return Sample.of(registry.scrape(name -> name.startsWith(Sample.PREFIX)), clock.millis());
    }

    void sample() {
        try {
            history.add(now());
        } catch (RuntimeException e) { // never let one bad scrape stop the timer
            LOG.warn("dashboard sample failed", e);
        }
    }

    /** The kept samples followed by one taken now: the last point of every chart is current. */
    List<Sample> samplesAndNow() {
        List<Sample> kept = history.list();
        Sample now = now();
        if (!kept.isEmpty() && kept.getLast().atMillis() >= now.atMillis()) {
            return kept;
        }
        var all = new java.util.ArrayList<Sample>(kept.size() + 1);
        all.addAll(kept);
        all.add(now);
        return all;
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        sample(); // the first point is the server's start
        timer.scheduleAtFixedRate(this::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the timer and waits for a sample in progress, so none lands after this returns. */
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                if (!timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("dashboard sampler still running {} after stop", STOP_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    synchronized boolean running() {
        return timer != null;
    }

    Duration interval() {
        return interval;
    }

    History history() {
        return history;
    }
}
