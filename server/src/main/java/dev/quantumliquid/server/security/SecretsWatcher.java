package dev.quantumliquid.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads secret files (API keys, TLS certificate and key) every QLNN_SECRETS_POLL_S and calls
 * their reload when their contents change. Contents, not timestamps, are compared: Kubernetes
 * rotates a mounted Secret by swapping a symlink. A reload that fails is reported once per new
 * contents and retried at the next change; the reload decides what stays in use (API keys: none;
 * TLS: the previous certificate).
 */
public final class SecretsWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecretsWatcher.class);

    /** What to do when files change; returns normally on success, throws to keep the previous contents. */
    public interface Reload {
        void reload();
    }

    private final class Watch {
        private final String what;
        private final List<Path> files;
        private final Reload reload;
        private final Consumer<String> outcome;
        /** The contents last acted on, loaded or refused: each new content is tried and reported once. */
        private byte[] loaded;

        Watch(String what, List<Path> files, Reload reload, Consumer<String> outcome) {
            this.what = what;
            this.files = files;
            this.reload = reload;
            this.outcome = outcome;
            this.loaded = digest(files);
        }

        void check() {
            byte[] now = digest(files);
            if (Arrays.equals(now, loaded)) {
                return;
            }
            loaded = now;
            try {
                reload.reload();
                LOG.info("{} reloaded: the files changed", what);
                outcome.accept("reloaded");
            } catch (RuntimeException e) {
                LOG.error("{} changed but cannot be loaded: {}", what, e.getMessage());
                outcome.accept("refused: " + e.getMessage());
            }
        }
    }

    private final Duration interval;
    private final List<Watch> watches = new ArrayList<>();
    private ScheduledExecutorService timer;

    public SecretsWatcher(Duration interval) {
        this.interval = interval;
    }

    /** Watches {@code files} from their current contents; {@code outcome} hears "reloaded" or "refused: why". */
    public synchronized void watch(String what, List<Path> files, Reload reload, Consumer<String> outcome) {
        watches.add(new Watch(what, List.copyOf(files), reload, outcome));
    }

    public synchronized void start() {
        if (watches.isEmpty() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qlnn-secrets-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, interval.toMillis());
        timer.scheduleWithFixedDelay(this::checkAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        List<Watch> ws;
        synchronized (this) {
            ws = List.copyOf(watches);
        }
        for (Watch w : ws) {
            try {
                w.check();
            } catch (RuntimeException e) {
                LOG.error("checking {} failed", w.what, e);
            }
        }
    }

    private static byte[] digest(List<Path> files) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Path p : files) {
                try {
                    d.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    d.update(("unreadable " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                d.update((byte) 0);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
