package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.pruning.Calibration;
import dev.quantumliquid.engine.pruning.Pruning;
import dev.quantumliquid.engine.pruning.PruningResult;
import dev.quantumliquid.server.config.Config;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.repository.VersionStatus.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
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
    private final ModelLoader loader;
    private final PowerEstimator power;
    private final LoadListener listener;
    private final double energyBudget;
    private final EnergyPolicy energyPolicy;
    private final double sparsityTarget;
    private final double pruneMaxDrift;
    private final ConcurrentHashMap<String, Slot> models = new ConcurrentHashMap<>();
    private final ReentrantLock mutate = new ReentrantLock();
    private ScheduledExecutorService poller; // guarded by mutate
    private final long memoryBudget;
    private final Duration loadTimeout;
    /** Runs each load, so that the thread holding {@link #mutate} can stop waiting for it. */
    private final ExecutorService loading = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "qlnn-model-load");
        t.setDaemon(true);
        return t;
    });

    public ModelRepository(Config config, ModelLoader loader, PowerEstimator power, LoadListener listener) {
        this.root = config.modelRepository();
        this.loader = loader;
        this.power = power;
        this.listener = listener;
        this.energyBudget = config.energyBudgetMicrowatts();
        this.energyPolicy = config.energyPolicy();
        this.sparsityTarget = config.liquidSparsity();
        this.pruneMaxDrift = config.pruneMaxDrift();
        this.memoryBudget = config.limits().modelMemoryBytes();
        this.loadTimeout = config.limits().loadTimeout();
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
            loading.shutdownNow();
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
        long t0 = System.nanoTime();
        try {
            ModelFiles.Loaded files = readBounded(dir);
            Calibration calibration = Calibration.of(files, files.model().inputSize());
            Model model = prune(name, version, files.model(), calibration);
            Optional<Power> p = power.estimate(model);
            String reason = "";
            if (p.isPresent() && p.get().microwatts() > energyBudget) {
                String why = String.format(Locale.ROOT, "estimated power %.3f uW exceeds ENERGY_BUDGET_UW %.3f uW",
                        p.get().microwatts(), energyBudget);
                if (energyPolicy == EnergyPolicy.ENFORCE) {
                    listener.refused(name, version, "energy_budget", why);
                    LOG.warn("model '{}' version {} not served: {}", name, version, why);
                    return keepPrevious(name, version, fp, previous, why + " (QLNN_ENERGY_POLICY=enforce)");
                }
                reason = why + " (served anyway: QLNN_ENERGY_POLICY=warn)";
                LOG.warn("model '{}' version {}: {}", name, version, reason);
            }
            warm(model);
            ServedModel served = new ServedModel(name, version, model, p, servedDigest(files.digest()), calibration,
                    probeCoherence(model, calibration));
            listener.loaded(name, version);
            LOG.info("model '{}' version {} ready in {} ms (inputs {}, outputs {}, state {}, coherence {}, power {})",
                    name, version, (System.nanoTime() - t0) / 1_000_000, model.inputSize(), model.outputSize(),
                    model.stateSize(), model.hasCoherence(),
                    p.map(x -> String.format(Locale.ROOT, "%.3f uW", x.microwatts())).orElse("unknown"));
            return new Entry(new VersionStatus(name, version, State.READY, reason, Optional.of(served)), fp);
        } catch (Throwable e) { // an OutOfMemoryError or any other failure: the version is unavailable, polling goes on
            String why = oneLine(e);
            listener.refused(name, version, "load_failed", why);
            LOG.warn("model '{}' version {} failed to load: {}", name, version, why);
            return keepPrevious(name, version, fp, previous, why);
        }
    }

    /**
     * Reads the folder on a loading thread and waits at most QLNN_LOAD_TIMEOUT_S, so that a file
     * that blocks (a FIFO swapped in, a hung network mount) never holds the repository's lock for good.
     */
    private ModelFiles.Loaded readBounded(Path dir) {
        Future<ModelFiles.Loaded> f = loading.submit(() -> loader.load(dir, memoryBudget));
        try {
            return f.get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("loading took longer than QLNN_LOAD_TIMEOUT_S=" + loadTimeout.toMillis() / 1000.0
                    + " s (a file that blocks, such as a FIFO, or a very slow disk)");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading");
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

    /** The files' digest together with the pruning settings that shape the served weights. */
    private String servedDigest(String filesDigest) {
        return ModelFiles.sha256((filesDigest + "|" + sparsityTarget + "|" + pruneMaxDrift).getBytes(StandardCharsets.UTF_8));
    }

    /** A refused (re)load: a version that served before keeps serving, the index tells why. */
    private static Entry keepPrevious(String name, long version, String fp, Optional<Entry> previous, String why) {
        if (previous.isPresent() && previous.get().status().ready()) {
            VersionStatus old = previous.get().status();
            return new Entry(new VersionStatus(name, version, State.READY,
                    "reload refused, previous files still serve: " + why, old.served()), fp);
        }
        return new Entry(new VersionStatus(name, version, State.UNAVAILABLE, why, Optional.empty()), fp);
    }

    /**
     * LIQUID_SPARSITY: wired liquid layers are pruned to the target through the engine's
     * drift-guarded magnitude pruning, measured on the version's calibration sequence (or the
     * engine's fixed-seed one). A refused pruning is logged and the model is served as stored.
     */
    private Model prune(String name, long version, Model model, Calibration calibration) {
        if (model.synapses().isEmpty() || sparsityTarget <= 0.0) {
            return model;
        }
        try {
            PruningResult r = Pruning.prune(model, sparsityTarget, calibration, pruneMaxDrift);
            LOG.info("model '{}' version {}: pruned {} synapses, sparsity {} -> {}, output drift {}", name, version,
                    r.removed(), fmt(r.sparsityBefore()), fmt(r.sparsity()), fmt(r.drift()));
            return r.model();
        } catch (EngineException e) {
            LOG.warn("model '{}' version {}: served unpruned: {}", name, version, oneLine(e));
            return model;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** Steps of the first calibration sequence the coherence health probe runs. */
    static final int PROBE_STEPS = 8;

    /**
     * The health probe, for a model with a quantum circuit: its mean coherence over the first
     * {@value #PROBE_STEPS} steps of its first calibration sequence. Fixed by the version's files, so
     * no client input moves it.
     */
    private static java.util.OptionalDouble probeCoherence(Model model, Calibration calibration) {
        if (!model.hasCoherence()) {
            return java.util.OptionalDouble.empty();
        }
        float[][] first = calibration.input()[0];
        float[][][] probe = {java.util.Arrays.copyOf(first, Math.min(first.length, PROBE_STEPS))};
        double[][] c = model.predict(BatchInput.of(probe), 1).coherence().orElseThrow();
        double sum = 0;
        long n = 0;
        for (double[] row : c) {
            for (double v : row) {
                sum += v;
                n++;
            }
        }
        return java.util.OptionalDouble.of(sum / n);
    }

    /** One step of zeros before taking traffic: first-call costs are paid here and a broken model shows. */
    private static void warm(Model model) {
        BatchResult r = model.predict(BatchInput.of(new float[1][1][model.inputSize()]), 1);
        for (double y : r.output()[0][0]) {
            if (!Double.isFinite(y)) {
                throw new IllegalStateException("warm-up: a step of zeros gives a non-finite output");
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof OutOfMemoryError ? "out of memory while loading (" + e.getMessage()
                + "); raise the heap or lower QLNN_MODEL_MEMORY_MB so that such a version is refused before it is read"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
