package dev.quantumliquid.server.app;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.lifecycle.Lifecycle;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.dashboard.DashboardService;
import dev.quantumliquid.server.simple.SimpleHealthService;
import dev.quantumliquid.server.grpc.GrpcErrors;
import dev.quantumliquid.server.grpc.GrpcExecutors;
import dev.quantumliquid.server.grpc.GrpcGuard;
import dev.quantumliquid.server.grpc.GrpcServer;
import dev.quantumliquid.server.simple.SimpleInferenceService;
import dev.quantumliquid.server.http.Admission;
import dev.quantumliquid.server.http.HttpSettings;
import dev.quantumliquid.server.http.Compression;
import dev.quantumliquid.server.http.ErrorMapper;
import dev.quantumliquid.server.http.Http10Refusal;
import dev.quantumliquid.server.http.ReadDeadlines;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.http.RequestFilter;
import dev.quantumliquid.server.inference.CoherenceTracker;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.InferenceSettings;
import dev.quantumliquid.server.inference.ModelStatistics;
import dev.quantumliquid.server.inference.WorkerPool;
import dev.quantumliquid.server.metrics.MetricsService;
import dev.quantumliquid.server.metrics.ServerMetrics;
import dev.quantumliquid.server.oip.OipGrpcService;
import dev.quantumliquid.server.oip.OipModelService;
import dev.quantumliquid.server.oip.OipRepositoryService;
import dev.quantumliquid.server.oip.OipServerService;
import dev.quantumliquid.server.repository.ModelLoader;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.PowerEstimator;
import dev.quantumliquid.server.state.SessionStore;
import dev.quantumliquid.server.state.StateTokens;
import dev.quantumliquid.server.audit.Audit;
import dev.quantumliquid.server.repository.LoadListener;
import dev.quantumliquid.server.security.AccessControl;
import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.SecretsWatcher;
import dev.quantumliquid.server.security.TlsFiles;
import dev.quantumliquid.server.signing.TrustedKeys;
import dev.quantumliquid.server.store.StoreException;
import dev.quantumliquid.server.store.StoreMirror;
import dev.quantumliquid.server.store.StoreSettings;
import dev.quantumliquid.server.store.Stores;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The inference service: wires the configuration into the repository, the inference pool, state,
 * metrics and the HTTP resources, and starts listening. Nothing here is static or global; a test
 * may run several servers in one JVM.
 */
public final class QlnnServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QlnnServer.class);

    private final ServerConfig config;
    private final WebServer web;
    private final Optional<GrpcServer> grpc;
    private final Lifecycle lifecycle;
    private final ModelRepository repository;
    private final WorkerPool pool;
    private final SecretsWatcher watcher;
    private final Audit audit;
    private final Admission admission;
    private final ListenerWatchdog watchdog;
    private final ReadDeadlines deadlines;
    private final ExecutorService parsers;
    private final Optional<StoreMirror> mirror;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private QlnnServer(ServerConfig config, WebServer web, Optional<GrpcServer> grpc, Lifecycle lifecycle, ModelRepository repository,
            WorkerPool pool, SecretsWatcher watcher, Audit audit, Optional<StoreMirror> mirror, Admission admission,
            ListenerWatchdog watchdog, ReadDeadlines deadlines, ExecutorService parsers) {
        this.deadlines = deadlines;
        this.parsers = parsers;
        this.admission = admission;
        this.watchdog = watchdog;
        this.config = config;
        this.web = web;
        this.grpc = grpc;
        this.lifecycle = lifecycle;
        this.repository = repository;
        this.pool = pool;
        this.watcher = watcher;
        this.audit = audit;
        this.mirror = mirror;
    }

    /** Starts serving the model repository of {@code config}; returns once listening. */
    public static QlnnServer start(ServerConfig config) {
        return start(config, ModelFiles::read, PowerEstimator.engine());
    }

    /** As {@link #start(ServerConfig)} with the model loader and power estimator given (tests, the merge). */
    public static QlnnServer start(ServerConfig config, ModelLoader loader, PowerEstimator power) {
        return start(config, loader, power, System::exit);
    }

    /**
     * As {@link #start(ServerConfig, ModelLoader, PowerEstimator)}; {@code exit} ends the process when the
     * listener dies (System::exit in production).
     */
    public static QlnnServer start(ServerConfig config, ModelLoader loader, PowerEstimator power, java.util.function.IntConsumer exit) {
        long t0 = System.nanoTime();
        Logging.apply(config.observability().logLevel(), config.observability().auditLog());
        Audit audit = new Audit();
        StateTokens tokens = StateTokens.fromKeyFile(config.sessions().stateKeyFile());
        Optional<ApiKeys> keys = config.security().apiKeysFile().map(ApiKeys::load);
        Optional<TlsFiles> tlsFiles = TlsFiles.of(config.security().tls());
        Optional<Tls> tls = tlsFiles.map(TlsFiles::load);
        audit.startup(config.echo(), startupFacts(config, keys, tlsFiles));
        if (keys.isEmpty()) {
            LOG.warn("QLNN_API_KEYS_FILE is not set: inference routes answer without a key; management routes answer "
                    + "only clients in QLNN_ADMIN_ALLOW_CIDRS {}", config.security().adminAllowCidrs());
        }
        Optional<TrustedKeys> trusted = config.security().trustedKeys().map(TrustedKeys::load);
        ModelLoader checked = trusted.map(t -> loader.requiring(t::requireSigned)).orElse(loader);
        Optional<StoreMirror> mirror = config.store().bucket().map(uri -> mirror(config.store(), uri));
        PrometheusRegistry registry = new PrometheusRegistry();
        ServerMetrics metrics = new ServerMetrics(registry);
        ModelRepository repository;
        try {
            repository = new ModelRepository(config.repository(), checked, power, LoadListener.both(metrics, audit));
        } catch (RuntimeException e) {
            mirror.ifPresent(StoreMirror::close);
            throw e;
        }
        Supplier<List<String>> storeProblems = () -> mirror.map(StoreMirror::problems).orElse(List.of());
        InferenceSettings inferenceSettings = config.inference();
        WorkerPool pool = new WorkerPool(Math.min(inferenceSettings.workers(), inferenceSettings.maxInflight()),
                inferenceSettings.maxInflight(), inferenceSettings.maxQueue());
        SecretsWatcher watcher = new SecretsWatcher(config.security().secretsPoll());
        // The first scan (load, check, prune and warm every version) runs while the HTTP side is set up;
        // the server listens only once it is done, so that readiness never answers before every version was tried.
        FutureTask<Void> scan = new FutureTask<>(repository::scan, null);
        Thread.ofPlatform().name("qlnn-first-scan").daemon(true).start(scan);
        ExecutorService parsers = parsers(inferenceSettings.workers());
        try {
            Lifecycle lifecycle = new Lifecycle(Clock.systemUTC());
            SessionStore sessions = new SessionStore(config.sessions().maxSessions(), config.sessions().maxSessionsPerCaller(),
                    config.sessions().idle());
            CoherenceTracker coherence = new CoherenceTracker();
            ModelStatistics statistics = new ModelStatistics(Clock.systemUTC());
            Inference inference = new Inference(inferenceSettings, repository, pool, tokens, sessions, coherence, metrics, statistics,
                    lifecycle::draining);
            metrics.registerGauges(repository::index, coherence::means, sessions::active, pool::inflight);
            if (config.observability().enableMetrics()) {
                metrics.registerJvm();
            }
            AccessControl access = new AccessControl(config.security(), keys, audit);
            HttpSettings limits = config.http();
            JsonIo json = new JsonIo(limits.maxBodyBytes(), limits.maxJsonDepth(), limits.maxJsonTokens(),
                    Optional.of(parsers));
            ReadDeadlines deadlines = new ReadDeadlines(limits.headerTimeout(), limits.readTimeout(), limits.idleTimeout(),
                    System::nanoTime);
            Admission admission = new Admission(limits.maxConcurrentRequests(), limits.bodyBytesInFlight(),
                    limits.maxBodyBytes(), json, metrics, lifecycle::draining);
            metrics.registerAdmitted(admission::inflight);
            var builder = WebServer.builder()
                    .host(limits.host())
                    .port(limits.port())
                    .shutdownHook(false)
                    // Connections beyond the cap wait in the accept backlog: the process never runs out of descriptors.
                    .maxTcpConnections(limits.maxConnections())
                    .idleConnectionTimeout(limits.idleTimeout())
                    .idleConnectionPeriod(Duration.ofMillis(Math.max(100, Math.min(5000, limits.idleTimeout().toMillis() / 4))))
                    .addConnectionSelector(new Http10Refusal())
                    .shutdownGracePeriod(DRAIN_GRACE)
                    .addProtocol(Http1Config.builder().maxHeadersSize(limits.maxHeaderBytes())
                            .maxPrologueLength(Math.min(limits.maxHeaderBytes(), ErrorMapper.MAX_PROLOGUE))
                            .validateRequestHostHeader(false) // a missing Host is refused by Admission, naming it
                            .addReceiveListener(deadlines).addSendListener(deadlines.sendListener()).build())
                    // HTTP/2 on the same port: h2c with prior knowledge or by upgrade, h2 over TLS by ALPN.
                    .addProtocol(Http2Config.builder().maxHeaderListSize(limits.maxHeaderBytes()).build())
                    // HTTP/2 writes a response's HEADERS and DATA frames apart: with Nagle's algorithm the second
                    // waits for the client's delayed ACK (about 40 ms a request on loopback).
                    .connectionOptions(deadlines.connectionOptions(SocketOptions.builder().tcpNoDelay(true).build()))
                    .directHandlers(ErrorMapper.directHandlers(json, metrics, limits.maxHeaderBytes()))
                    .contentEncoding(Compression.context())
                    .routing(r -> routing(r, config, json, metrics, repository, inference, statistics, coherence, lifecycle,
                            access, audit, storeProblems, admission, deadlines));
            tls.ifPresent(builder::tls);
            WebServer web = builder.build();
            awaitScan(scan);
            // gRPC listens first: once HTTP readiness answers, both listeners take requests.
            Optional<GrpcServer> grpc = Optional.empty();
            if (config.grpc().enabled()) {
                GrpcErrors errors = new GrpcErrors(metrics);
                GrpcGuard guard = new GrpcGuard(access, metrics, errors);
                GrpcExecutors executors = new GrpcExecutors();
                grpc = Optional.of(GrpcServer.start(config.grpc(), limits, guard, executors, tlsFiles.map(TlsFiles::material),
                        () -> !lifecycle.draining() && repository.anyReady(),
                        new OipGrpcService(inferenceSettings.maxBatch(), config.sessions().idle(), repository, inference,
                                statistics, lifecycle, audit, errors, guard, executors, version())));
            }
            String failure = "";
            try {
                web.start();
            } catch (RuntimeException e) {
                failure = " (" + rootMessage(e) + ")";
            }
            if (!web.isRunning() || web.port() < 0) { // Helidon logs a failed bind and reports it this way
                grpc.ifPresent(GrpcServer::close);
                throw new ServerException(ServerException.Kind.CONFIG, "QLNN_PORT: cannot listen on " + limits.host() + ":"
                        + limits.port() + (failure.isEmpty() ? " (in use, or the address is not local)" : failure));
            }
            Optional<GrpcServer> grpcListener = grpc;
            config.security().apiKeysFile().ifPresent(f -> watcher.watch("API keys", List.of(f), () -> reloadKeys(access, f),
                    outcome -> audit.secretsReloaded("api_keys", outcome)));
            tlsFiles.ifPresent(t -> watcher.watch("TLS certificate and key", t.files(), () -> {
                TlsFiles.Material m = t.material();
                web.reloadTls(t.load());
                grpcListener.ifPresent(g -> g.reloadTls(m));
            }, outcome -> audit.secretsReloaded("tls", outcome)));
            watcher.start();
            if (mirror.isPresent()) {
                // The bucket is polled instead of the cache folder; the repository rescans the cache after a change.
                mirror.get().start(config.repository().pollInterval(), repository::scan);
            } else {
                repository.startPolling(config.repository().pollInterval());
            }
            LOG.info("quantum-liquid server listening on {}:{} ({}, gRPC {}, repository {}, {} model(s) ready: {}) after {} ms",
                    limits.host(), web.port(), tls.isEmpty() ? "plain HTTP" : "TLS",
                    grpc.map(g -> "on port " + g.port()).orElse("off"),
                    config.store().bucket().map(u -> u + " via " + config.repository().folder().toAbsolutePath())
                            .orElse(config.repository().folder().toAbsolutePath().toString()),
                    repository.readyModels().size(), repository.readyModels(), (System.nanoTime() - t0) / 1_000_000);
            ListenerWatchdog watchdog = new ListenerWatchdog(limits.host(), web.port(), Duration.ofSeconds(1), exit);
            return new QlnnServer(config, web, grpc, lifecycle, repository, pool, watcher, audit, mirror, admission, watchdog,
                    deadlines, parsers);
        } catch (RuntimeException e) {
            parsers.shutdownNow();
            awaitQuietly(scan);
            watcher.close();
            repository.close();
            mirror.ifPresent(StoreMirror::close);
            pool.close();
            throw e;
        }
    }

    /**
     * Revocation fails closed: a keys file that was emptied, deleted or broken leaves no key valid
     * (until it loads again), never the keys it held before.
     */
    private static void reloadKeys(AccessControl access, java.nio.file.Path file) {
        try {
            access.keys(ApiKeys.load(file));
        } catch (RuntimeException e) {
            access.keys(ApiKeys.none());
            throw new ServerException(ServerException.Kind.CONFIG, e.getMessage() + "; no API key is valid until it loads");
        }
    }

    /** Platform threads that parse large request bodies (as many as inference workers; a request waits for one). */
    private static ExecutorService parsers(int threads) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qlnn-parse-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The cache of a bucket repository, filled by a first pass before the first scan: when the bucket
     * cannot be reached, the server starts with what the cache holds (not ready if nothing) and says why.
     */
    private static StoreMirror mirror(StoreSettings store, String uri) {
        StoreMirror m;
        try {
            m = new StoreMirror(Stores.open(StoreSettings.REPOSITORY.name(), uri, store.s3()), store.cache());
        } catch (StoreException e) {
            throw new ServerException(ServerException.Kind.CONFIG, e.getMessage());
        }
        m.poll();
        return m;
    }

    /** Waits for the first scan; what it threw is thrown here. */
    private static void awaitScan(FutureTask<Void> scan) {
        try {
            scan.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the model repository was scanned", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Start-up failed elsewhere: lets a running first scan finish, so that nothing of it outlives the failure. */
    private static void awaitQuietly(FutureTask<Void> scan) {
        try {
            scan.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the failure being reported is the other one
        }
    }

    /** What the audit trail records at start besides the settings: which secrets were loaded, never their contents. */
    private static Map<String, Object> startupFacts(ServerConfig config, Optional<ApiKeys> keys, Optional<TlsFiles> tls) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("api_key_ids", keys.map(ApiKeys::ids).orElse(List.of()));
        f.put("authentication", keys.isPresent() ? "api keys required" : "off (no QLNN_API_KEYS_FILE)");
        f.put("tls", tls.map(t -> t.clientCertificatesRequired() ? "tls with client certificates" : "tls").orElse("off"));
        f.put("state_key", config.sessions().stateKeyFile().isPresent() ? "from file" : "random per process");
        return f;
    }

    /** All routes: access control first, one HTTP service per resource, errors mapped in one place, every request counted. */
    static void routing(HttpRouting.Builder r, ServerConfig config, JsonIo json, ServerMetrics metrics, ModelRepository repository,
            Inference inference, ModelStatistics statistics, CoherenceTracker coherence, Lifecycle lifecycle,
            AccessControl access, Audit audit, Supplier<List<String>> storeProblems, Admission admission,
            ReadDeadlines deadlines) {
        r.addFilter(new RequestFilter(metrics))
                .addFilter(deadlines)
                .addFilter(admission)
                .error(Throwable.class, new ErrorMapper(json, metrics))
                .register(access)
                .register(new OipServerService(json, repository, lifecycle, version()))
                .register(new OipModelService(json, repository, inference, statistics, config.inference().maxBatch(),
                        config.sessions().idle()))
                .register(new OipRepositoryService(json, repository, audit))
                .register(new SimpleInferenceService(json, repository, inference))
                .register(new SimpleHealthService(json, repository, coherence, lifecycle,
                        config.inference().coherenceThreshold(), storeProblems))
                .register(new DashboardService(json, metrics.registry(), repository::index,
                config.inference().coherenceThreshold()));
        if (config.observability().enableMetrics()) {
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

    /** The gRPC listener's port, or empty when QLNN_GRPC_PORT=0 turned it off. */
    public OptionalInt grpcPort() {
        return grpc.map(g -> OptionalInt.of(g.port())).orElse(OptionalInt.empty());
    }

    public ServerConfig config() {
        return config;
    }

    /** Longest wait, after QLNN_DRAIN_S, for requests still running before their connections are closed. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(30);

    /**
     * Drains: readiness answers 503 at once so load balancers move traffic away, new server-held
     * sequences are refused, every answer carries Connection: close, and requests keep being served
     * for QLNN_DRAIN_S; then the listener stops accepting, idle connections close, requests in progress
     * finish (at most {@link #DRAIN_GRACE}), and the pool, poller and watcher stop. Idempotent.
     */
    public void stop() {
        stop(false);
    }

    /**
     * As {@link #stop()}; with {@code untilIdle} the drain ends as soon as no request is in flight
     * (Ctrl-C at a terminal: nobody routes traffic here, so there is nothing to wait for).
     */
    public void stop(boolean untilIdle) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        watchdog.close();
        lifecycle.startDraining();
        grpc.ifPresent(GrpcServer::refreshHealth);
        audit.lifecycle("draining", Map.of("drain_s", config.http().drain().toMillis() / 1000.0, "inflight", admission.inflight()));
        if (!config.http().drain().isZero()) {
            LOG.info(untilIdle ? "draining until no request is in flight, at most {} s" : "draining for {} s before stopping",
                    config.http().drain().toMillis() / 1000.0);
            long deadline = System.nanoTime() + config.http().drain().toNanos();
            try {
                while (System.nanoTime() < deadline && !(untilIdle && admission.inflight() == 0)) {
                    Thread.sleep(Math.min(untilIdle ? 10 : Long.MAX_VALUE, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Stops accepting, closes idle connections, and waits (at most DRAIN_GRACE) for requests in progress.
        int before = admission.inflight();
        grpc.ifPresent(g -> g.stop(Duration.ofMillis(500)));
        web.stop();
        deadlines.close();
        int cut = admission.inflight();
        if (cut > 0) {
            LOG.warn("{} request(s) still running {} s after the drain were cut", cut, DRAIN_GRACE.toMillis() / 1000.0);
        }
        watcher.close();
        mirror.ifPresent(StoreMirror::close);
        repository.close();
        pool.close(Duration.ofMillis(500));
        stopParsers();
        audit.lifecycle("stopped", Map.of("inflight_at_drain_end", before, "inflight_at_close", cut));
        LOG.info("quantum-liquid server stopped");
    }

    /** The body parsers end with the server: no request is left to parse once the web server has stopped. */
    private void stopParsers() {
        parsers.shutdownNow();
        try {
            if (!parsers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("a request body was still being parsed 5 s after the server stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Serves until SIGTERM or SIGINT, then {@link #stop() drains and stops} and returns, so the caller
     * exits 0 (a JVM that dies of the signal would exit 143 however cleanly it drained).
     */
    public void serveUntilSignalled() {
        CountDownLatch signalled = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean interrupt = new java.util.concurrent.atomic.AtomicBoolean();
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    interrupt.compareAndSet(false, name.equals("INT"));
                    signalled.countDown();
                });
            } catch (IllegalArgumentException e) { // the signal is reserved here (-Xrs, a debugger): keep the JVM's handling
                LOG.warn("cannot handle SIG{} ({}); it will end the process without draining", name, e.getMessage());
            }
        }
        try {
            signalled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("signal received: draining, then stopping");
        stop(interrupt.get()); // SIGTERM (an orchestrator) drains in full; SIGINT (Ctrl-C) only while requests run
    }

    @Override
    public void close() {
        stop();
    }
}
