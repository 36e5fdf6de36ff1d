package dev.quantumliquid.server;

import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.dashboard.DashboardService;
import dev.quantumliquid.server.guide.GuideHealthService;
import dev.quantumliquid.server.guide.GuideInferenceService;
import dev.quantumliquid.server.http.ErrorMapper;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.http.RequestFilter;
import dev.quantumliquid.server.inference.CoherenceTracker;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.WorkerPool;
import dev.quantumliquid.server.metrics.MetricsService;
import dev.quantumliquid.server.metrics.ServerMetrics;
import dev.quantumliquid.server.oip.OipModelService;
import dev.quantumliquid.server.oip.OipRepositoryService;
import dev.quantumliquid.server.oip.OipServerService;
import dev.quantumliquid.server.repository.ModelLoader;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.PowerEstimator;
import dev.quantumliquid.server.state.SessionStore;
import dev.quantumliquid.server.state.StateTokens;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference service: wires the configuration into the repository, the inference pool, state,
 * metrics and the HTTP resources, and starts listening. Nothing here is static or global; a test
 * may run several servers in one JVM.
 */
public final class QlnnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QlnnServer.class);

    private final Config config;
    private final WebServer web;
    private final Lifecycle lifecycle;
    private final ModelRepository repository;
    private final WorkerPool pool;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private QlnnServer(Config config, WebServer web, Lifecycle lifecycle, ModelRepository repository, WorkerPool pool) {
        this.config = config;
        this.web = web;
        this.lifecycle = lifecycle;
        this.repository = repository;
        this.pool = pool;
    }

    /** Starts serving the model repository of {@code config}; returns once listening. */
    public static QlnnServer start(Config config) {
        return start(config, ModelFiles::load, PowerEstimator.engine());
    }

    /** As {@link #start(Config)} with the model loader and power estimator given (tests, the merge). */
    public static QlnnServer start(Config config, ModelLoader loader, PowerEstimator power) {
        long t0 = System.nanoTime();
        Logging.apply(config.logLevel());
        StateTokens tokens = StateTokens.fromKeyFile(config.stateKeyFile());
        PrometheusRegistry registry = new PrometheusRegistry();
        ServerMetrics metrics = new ServerMetrics(registry);
        ModelRepository repository = new ModelRepository(config, loader, power, metrics);
        WorkerPool pool = new WorkerPool(Math.min(config.workers(), config.maxInflight()), config.maxInflight());
        try {
            repository.scan();
            SessionStore sessions = new SessionStore(config.maxSessions(), config.sessionIdle());
            CoherenceTracker coherence = new CoherenceTracker();
            Inference inference = new Inference(config, repository, pool, tokens, sessions, coherence, metrics);
            metrics.registerGauges(repository::index, coherence::means, sessions::active, pool::inflight);
            if (config.enableMetrics()) {
                metrics.registerJvm();
            }
            Lifecycle lifecycle = new Lifecycle(Clock.systemUTC());
            JsonIo json = new JsonIo(config.maxBodyBytes());
            WebServer web = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .routing(r -> routing(r, config, json, metrics, repository, inference, coherence, lifecycle))
                    .build();
            String failure = "";
            try {
                web.start();
            } catch (RuntimeException e) {
                failure = " (" + rootMessage(e) + ")";
            }
            if (!web.isRunning() || web.port() < 0) { // Helidon logs a failed bind and reports it this way
                throw new ServerException(ServerException.Kind.CONFIG, "QLNN_PORT: cannot listen on " + config.host() + ":"
                        + config.port() + (failure.isEmpty() ? " (in use, or the address is not local)" : failure));
            }
            repository.startPolling(config.pollInterval());
            LOG.info("quantum-liquid server listening on {}:{} (repository {}, {} model(s) ready: {}) after {} ms",
                    config.host(), web.port(), config.modelRepository().toAbsolutePath(), repository.readyModels().size(),
                    repository.readyModels(), (System.nanoTime() - t0) / 1_000_000);
            return new QlnnServer(config, web, lifecycle, repository, pool);
        } catch (RuntimeException e) {
            repository.close();
            pool.close();
            throw e;
        }
    }

    /** All routes: one HTTP service per resource, errors mapped in one place, every request counted. */
    static void routing(HttpRouting.Builder r, Config config, JsonIo json, ServerMetrics metrics, ModelRepository repository,
            Inference inference, CoherenceTracker coherence, Lifecycle lifecycle) {
        r.addFilter(new RequestFilter(metrics))
                .error(Throwable.class, new ErrorMapper(json, metrics))
                .register(new OipServerService(json, repository, lifecycle, version()))
                .register(new OipModelService(json, repository, inference))
                .register(new OipRepositoryService(json, repository))
                .register(new GuideInferenceService(json, repository, inference))
                .register(new GuideHealthService(json, repository, coherence, lifecycle, config.coherenceThreshold()))
                .register(new DashboardService(json, metrics.registry(), repository::index, config.coherenceThreshold()));
        if (config.enableMetrics()) {
            r.register(new MetricsService(metrics.registry()));
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private static String version() {
        String v = QlnnServer.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    public int port() {
        return web.port();
    }

    public Config config() {
        return config;
    }

    /**
     * Drains (readiness answers 503 for QLNN_DRAIN_S so load balancers move traffic away, requests
     * still served), then stops listening and releases the pool and the poller. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        lifecycle.startDraining();
        if (!config.drain().isZero()) {
            LOG.info("draining for {} s before stopping", config.drain().toMillis() / 1000.0);
            try {
                Thread.sleep(config.drain());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        web.stop();
        repository.close();
        pool.close();
        LOG.info("quantum-liquid server stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
