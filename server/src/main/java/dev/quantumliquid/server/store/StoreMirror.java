package dev.quantumliquid.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a local cache folder ({@code QLNN_MODEL_CACHE}) a copy of a remote model repository, which
 * the server then serves as a plain folder repository ({@link #models()}). Each version is
 * downloaded into a hidden staging folder, every file checked against model.json's SHA-256, and
 * renamed into place whole: the folder repository never
 * sees a half-downloaded version. A poll whose listing is unchanged costs one LIST and nothing more.
 * When the store cannot be reached, what is cached keeps serving, {@link #problems()} says why, and
 * polls back off (doubling up to {@link #MAX_BACKOFF}).
 */
public final class StoreMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMirror.class);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final Store store;
    private final FolderStore cache;
    private final RepositorySync sync;
    private final Object passLock = new Object();
    private final AtomicReference<List<String>> problems = new AtomicReference<>(List.of());
    private List<String> refused = List.of(); // guarded by passLock: versions the last complete pass refused
    private List<StoredObject> lastListing = List.of(); // guarded by passLock
    private boolean lastPassComplete; // guarded by passLock
    private ScheduledExecutorService poller; // guarded by passLock

    /**
     * Mirrors {@code store} into {@code cacheDir}/models (downloads in flight under {@code cacheDir}/staging).
     * Signatures are checked when a version loads, not here, so that a refused version shows in the
     * repository index with its reason.
     */
    public StoreMirror(Store store, Path cacheDir) {
        this.store = store;
        Path models = cacheDir.resolve("models");
        try {
            Files.createDirectories(models);
        } catch (IOException e) {
            throw new StoreException("QLNN_MODEL_CACHE: cannot create '" + models + "' (" + e.getMessage() + ")", e);
        }
        this.cache = new FolderStore(models);
        this.sync = new RepositorySync(cacheDir.resolve("staging"), Optional.empty(), true);
    }

    /** The folder the server's repository serves. */
    public Path models() {
        return cache.root();
    }

    public String location() {
        return store.location();
    }

    /**
     * One pass: lists the store; when the listing differs from the last complete pass, copies new and
     * changed versions and removes deleted ones. Returns whether the cache changed. Never throws for
     * an unreachable store: the reason goes to {@link #problems()} and false is returned.
     */
    public boolean poll() {
        synchronized (passLock) {
            try {
                List<StoredObject> listing = store.list("");
                if (lastPassComplete && listing.equals(lastListing)) {
                    problems.set(refused);
                    return false;
                }
                RepositorySync.Report r = sync.run(Listing.of(listing), store, cache);
                List<String> p = new ArrayList<>();
                for (String why : r.refused()) {
                    p.add("model store: refused " + why);
                }
                refused = List.copyOf(p);
                problems.set(refused);
                lastListing = listing;
                lastPassComplete = true;
                if (r.changed() || !r.refused().isEmpty()) {
                    LOG.info("model store {}: {}", store.location(), r.summary());
                    r.refused().forEach(why -> LOG.warn("model store: version refused: {}", why));
                }
                return r.changed();
            } catch (StoreException e) {
                lastPassComplete = false;
                problems.set(List.of("model store " + store.location() + " unreachable, serving the cached copy: "
                        + e.getMessage()));
                LOG.warn("model store {}: {}; serving what is cached", store.location(), e.getMessage());
                return false;
            }
        }
    }

    /** Whether the last pass reached the store. */
    public boolean reachable() {
        synchronized (passLock) {
            return lastPassComplete;
        }
    }

    /** Why the cache may be behind the store: unreachable store, refused versions; empty when in step. */
    public List<String> problems() {
        return problems.get();
    }

    /**
     * Polls every {@code interval} on a background thread, calling {@code changed} after a pass that
     * changed the cache; after a failed pass the next one waits twice as long (at most 60 s).
     */
    public void start(Duration interval, Runnable changed) {
        if (interval.isZero()) {
            return;
        }
        synchronized (passLock) {
            if (poller != null) {
                return;
            }
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "qlnn-store-poll");
                t.setDaemon(true);
                return t;
            });
            schedule(interval, interval, changed);
        }
    }

    private void schedule(Duration delay, Duration interval, Runnable changed) {
        synchronized (passLock) {
            if (poller == null) {
                return;
            }
            poller.schedule(() -> {
                Duration next = interval;
                try {
                    if (poll()) {
                        changed.run();
                    }
                    if (!reachable()) {
                        next = delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay.multipliedBy(2);
                        next = next.compareTo(interval) < 0 ? interval : next;
                    }
                } catch (RuntimeException e) {
                    LOG.error("model store poll failed", e);
                }
                schedule(next, interval, changed);
            }, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        synchronized (passLock) {
            if (poller != null) {
                poller.shutdownNow();
                poller = null;
            }
        }
        store.close();
    }
}
