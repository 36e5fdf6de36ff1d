package dev.quantumliquid.server.repository;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.repository.VersionStatus.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model repository {@code <root>/<model>/<version>/}: loads every version at start, picks up
 * new, changed and removed versions by polling or through the repository API, and answers which
 * version serves a request. A version takes traffic only once loaded, checked (checksums, energy
 * budget) and warmed; a version that fails keeps whatever served before and the index says why.
 *
 * <p>Readers never lock: each model's versions are an immutable map swapped whole. Changes are
 * serialised by one lock (the poller and the repository API).
 */
public final class ModelRepository implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

    private record Entry(VersionStatus status, String fingerprint) {
    }

    /**
     * One model folder: its versions by number, or unloaded through the API (then no versions), and
     * the newest ready version, found once here rather than on every request.
     */
    private record Slot(Map<Long, Entry> versions, boolean unloaded, Optional<ServedModel> newestReady) {
        Slot(Map<Long, Entry> versions, boolean unloaded) {
            this(versions, unloaded, newestReady(versions));
        }

        /** {@code versions} iterates in ascending version order (a sorted map or empty). */
        private static Optional<ServedModel> newestReady(Map<Long, Entry> versions) {
            Optional<ServedModel> newest = Optional.empty();
            for (Entry e : versions.values()) {
                if (e.status().ready() && e.status().served().isPresent()) {
                    newest = e.status().served();
                }
            }
            return newest;
        }
    }

    private final Path root;
    private final LoadListener listener;
    private final VersionPipeline pipeline;
    private final ConcurrentHashMap<String, Slot> models = new ConcurrentHashMap<>();
    private final ReentrantLock mutate = new ReentrantLock();
    private ScheduledExecutorService poller; // guarded by mutate

    public ModelRepository(RepositorySettings config, ModelLoader loader, PowerEstimator power, LoadListener listener) {
        this.root = config.folder();
        this.listener = listener;
        this.pipeline = new VersionPipeline(config, loader, power, listener);
        if (!Files.isDirectory(root)) {
            throw new ServerException(Kind.CONFIG, "QLNN_MODEL_REPOSITORY: folder '" + root.toAbsolutePath() + "' does not exist");
        }
    }

    /** Scans the whole repository once: loads new or changed versions, drops removed ones. */
    public void scan() {
        mutate.lock();
        try {
            Optional<List<String>> listed = listNames(root);
            if (listed.isEmpty()) {
                return; // unreadable right now: keep serving what is loaded
            }
            List<String> onDisk = listed.get();
            for (String name : onDisk) {
                Slot s = models.get(name);
                if (s == null || !s.unloaded()) {
                    scanModel(name, false);
                }
            }
            for (String name : List.copyOf(models.keySet())) {
                if (!onDisk.contains(name)) {
                    models.remove(name);
                    LOG.info("model '{}' removed from the repository; no longer served", name);
                    listener.dropped(name, 0, "removed");
                }
            }
        } finally {
            mutate.unlock();
        }
    }

    /** Scans every {@code interval} on a background thread; a failing scan is logged and retried. */
    public void startPolling(Duration interval) {
        if (interval.isZero()) {
            return;
        }
        mutate.lock();
        try {
            if (poller != null) {
                return;
            }
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "qlnn-repository-poll");
                t.setDaemon(true);
                return t;
            });
            long ms = Math.max(1, interval.toMillis());
            poller.scheduleWithFixedDelay(() -> {
                try {
                    scan();
                } catch (Throwable e) { // a scan that throws would cancel every later one
                    LOG.error("repository scan failed; retried in {} ms", ms, e);
                }
            }, ms, ms, TimeUnit.MILLISECONDS);
        } finally {
            mutate.unlock();
        }
    }

    /**
     * Repository API load: (re)loads every version of a model, retrying failed ones. Throws 404 when
     * the folder does not exist and 400 when no version could be loaded.
     */
    public List<VersionStatus> load(String name) {
        Names.requireName("model", name);
        mutate.lock();
        try {
            if (!Files.isDirectory(root.resolve(name))) {
                throw ServerException.notFound("model '" + name + "' is not in the repository");
            }
            Slot s = models.get(name);
            if (s != null && s.unloaded()) {
                models.remove(name);
            }
            scanModel(name, true);
            List<VersionStatus> st = statuses(name);
            if (st.stream().noneMatch(VersionStatus::ready)) {
                StringBuilder why = new StringBuilder("failed to load '" + name + "'");
                if (st.isEmpty()) {
                    why.append(": no version folder (a positive integer) holds a model");
                }
                for (VersionStatus v : st) {
                    why.append("; version ").append(v.version()).append(": ").append(v.reason());
                }
                throw ServerException.badRequest(why.toString());
            }
            return st;
        } finally {
            mutate.unlock();
        }
    }

    /** Repository API unload: stops serving a model until it is loaded again (polling leaves it alone). */
    public void unload(String name) {
        Names.requireName("model", name);
        mutate.lock();
        try {
            Slot s = models.get(name);
            if (s == null || s.unloaded()) {
                throw ServerException.notFound("model '" + name + "' is not loaded");
            }
            models.put(name, new Slot(Map.of(), true));
            LOG.info("model '{}' unloaded through the repository API", name);
            listener.dropped(name, 0, "unloaded");
        } finally {
            mutate.unlock();
        }
    }

    /**
     * The version that serves a request: the one asked for, else the highest ready one. 404 for an
     * unknown model or version, 503 for one that exists but is not ready.
     */
    public ServedModel resolve(String name, OptionalLong version) {
        Slot s = models.get(name);
        if (s == null) {
            throw ServerException.notFound("unknown model '" + Names.abbreviate(name) + "'");
        }
        if (s.unloaded()) {
            throw ServerException.notFound("model '" + name + "' is unloaded (POST /v2/repository/models/" + name
                    + "/load serves it again)");
        }
        if (version.isPresent()) {
            Entry e = s.versions().get(version.getAsLong());
            if (e == null) {
                throw ServerException.notFound("model '" + name + "' has no version " + version.getAsLong());
            }
            return e.status().served().filter(x -> e.status().ready()).orElseThrow(() -> new ServerException(Kind.NOT_READY,
                    "model '" + name + "' version " + version.getAsLong() + " is not ready: " + e.status().reason()));
        }
        if (s.newestReady().isPresent()) {
            return s.newestReady().get();
        }
        List<Entry> newestFirst = new ArrayList<>(s.versions().values());
        Collections.reverse(newestFirst);
        StringBuilder why = new StringBuilder("model '" + name + "' has no ready version");
        for (Entry e : newestFirst) {
            why.append("; version ").append(e.status().version()).append(": ").append(e.status().reason());
        }
        throw new ServerException(Kind.NOT_READY, why.toString());
    }

    /** Every known version of every model, by model name then version. */
    public List<VersionStatus> index() {
        List<VersionStatus> out = new ArrayList<>();
        for (String name : new TreeMap<>(models).keySet()) {
            out.addAll(statuses(name));
        }
        return out;
    }

    /** Versions of one model (empty when unknown or unloaded). */
    public List<VersionStatus> statuses(String name) {
        Slot s = models.get(name);
        if (s == null) {
            return List.of();
        }
        return s.versions().values().stream().map(Entry::status).toList();
    }

    /** Models unloaded through the API (listed by the index without a version). */
    public List<String> unloaded() {
        return models.entrySet().stream().filter(e -> e.getValue().unloaded()).map(Map.Entry::getKey).sorted().toList();
    }

    /** Models with at least one ready version, by name. */
    public List<String> readyModels() {
        return models.entrySet().stream()
                .filter(e -> e.getValue().versions().values().stream().anyMatch(x -> x.status().ready()))
                .map(Map.Entry::getKey).sorted().toList();
    }

    public boolean anyReady() {
        return !readyModels().isEmpty();
    }

    @Override
    public void close() {
        mutate.lock();
        try {
            if (poller != null) {
                poller.shutdownNow();
                poller = null;
            }
            pipeline.close();
        } finally {
            mutate.unlock();
        }
    }

    // ---- loading (callers hold mutate) ----

    private void scanModel(String name, boolean retryFailed) {
        Path dir = root.resolve(name);
        Map<Long, Path> onDisk = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).forEach(p -> {
                OptionalLong v = Names.parseVersion(p.getFileName().toString());
                if (v.isPresent()) {
                    onDisk.put(v.getAsLong(), p);
                }
            });
        } catch (IOException e) {
            LOG.warn("model '{}': cannot list {} ({}); keeping what serves", name, dir, e.toString());
            return;
        }
        Slot before = models.getOrDefault(name, new Slot(Map.of(), false));
        TreeMap<Long, Entry> next = new TreeMap<>();
        for (Map.Entry<Long, Path> v : onDisk.entrySet()) {
            long version = v.getKey();
            String fp = fingerprint(v.getValue());
            Entry old = before.versions().get(version);
            boolean unchanged = old != null && old.fingerprint().equals(fp);
            if (unchanged && !(retryFailed && !old.status().ready())) {
                next.put(version, old);
                continue;
            }
            // Publish LOADING so the index shows the work; the old entry (if any) keeps serving meanwhile.
            TreeMap<Long, Entry> loading = new TreeMap<>(models.getOrDefault(name, before).versions());
            loading.put(version, old != null && old.status().ready() ? old
                    : new Entry(new VersionStatus(name, version, State.LOADING, "loading", Optional.empty()), fp));
            models.put(name, new Slot(Collections.unmodifiableMap(loading), false));
            Entry loaded = loadVersion(name, version, v.getValue(), fp, Optional.ofNullable(old));
            next.put(version, loaded);
            models.put(name, new Slot(Collections.unmodifiableMap(new TreeMap<>(merge(loading, version, loaded))), false));
        }
        for (Long gone : before.versions().keySet()) {
            if (!onDisk.containsKey(gone)) {
                LOG.info("model '{}' version {} removed from the repository; no longer served", name, gone);
                listener.dropped(name, gone, "removed");
            }
        }
        models.put(name, new Slot(Collections.unmodifiableMap(next), false));
    }

    private static Map<Long, Entry> merge(Map<Long, Entry> m, long v, Entry e) {
        TreeMap<Long, Entry> t = new TreeMap<>(m);
        t.put(v, e);
        return t;
    }

    private Entry loadVersion(String name, long version, Path dir, String fp, Optional<Entry> previous) {
        return new Entry(pipeline.load(name, version, dir, previous.map(Entry::status)), fp);
    }

    /** Names, sizes and modification times of the folder's files: changes when any file changes. */
    private static String fingerprint(Path dir) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted(Comparator.comparing(Path::toString)).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                b.append(p.getFileName()).append(':').append(a.size()).append(':').append(a.lastModifiedTime().toMillis())
                        .append(';');
            }
        } catch (IOException e) {
            b.append("unreadable:").append(e.getMessage());
        }
        return b.toString();
    }

    private static Optional<List<String>> listNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return Optional.of(s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> {
                if (!Names.isValidName(n)) {
                    LOG.debug("repository: ignoring folder '{}' (model names are [A-Za-z0-9._-])", Names.abbreviate(n));
                    return false;
                }
                return true;
            }).sorted().toList());
        } catch (IOException e) {
            LOG.warn("repository {}: cannot list ({}); keeping what serves", dir, e.toString());
            return Optional.empty();
        }
    }
}
