package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.pruning.Calibration;
import dev.quantumliquid.engine.pruning.Pruning;
import dev.quantumliquid.engine.pruning.PruningResult;
import dev.quantumliquid.server.repository.VersionStatus.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one version folder goes through before it serves: read (bounded in time and memory, checked
 * against its checksums by the loader), pruned to the sparsity target, checked against the energy
 * budget, warmed, and probed for coherence. The result is the version's status: ready with the
 * served model, or refused with the reason (a version that served before keeps serving).
 */
final class VersionPipeline implements AutoCloseable {
    /** The repository's logger: a version's whole story is under one logger name. */
    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

    private final ModelLoader loader;
    private final PowerEstimator power;
    private final LoadListener listener;
    private final double energyBudget;
    private final EnergyPolicy energyPolicy;
    private final double sparsityTarget;
    private final double pruneMaxDrift;
    private final long memoryBudget;
    private final Duration loadTimeout;
    /** Runs each read, so that the repository's thread (holding its lock) can stop waiting for it. */
    private final ExecutorService loading = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "qlnn-model-load");
        t.setDaemon(true);
        return t;
    });

    VersionPipeline(RepositorySettings settings, ModelLoader loader, PowerEstimator power, LoadListener listener) {
        this.loader = loader;
        this.power = power;
        this.listener = listener;
        this.energyBudget = settings.energy().budgetMicrowatts();
        this.energyPolicy = settings.energy().policy();
        this.sparsityTarget = settings.liquidSparsity();
        this.pruneMaxDrift = settings.pruneMaxDrift();
        this.memoryBudget = settings.modelMemoryBytes();
        this.loadTimeout = settings.loadTimeout();
    }

    VersionStatus load(String name, long version, Path dir, Optional<VersionStatus> previous) {
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
                    return keepPrevious(name, version, previous, why + " (QLNN_ENERGY_POLICY=enforce)");
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
            return new VersionStatus(name, version, State.READY, reason, Optional.of(served));
        } catch (Throwable e) { // an OutOfMemoryError or any other failure: the version is unavailable, polling goes on
            String why = oneLine(e);
            listener.refused(name, version, "load_failed", why);
            LOG.warn("model '{}' version {} failed to load: {}", name, version, why);
            return keepPrevious(name, version, previous, why);
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
    private static VersionStatus keepPrevious(String name, long version, Optional<VersionStatus> previous, String why) {
        if (previous.isPresent() && previous.get().ready()) {
            return new VersionStatus(name, version, State.READY, "reload refused, previous files still serve: " + why,
                    previous.get().served());
        }
        return new VersionStatus(name, version, State.UNAVAILABLE, why, Optional.empty());
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

    @Override
    public void close() {
        loading.shutdownNow();
    }
}
