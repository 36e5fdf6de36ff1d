package dev.quantumliquid.server.metrics;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.quantumliquid.server.repository.LoadListener;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.repository.VersionStatus;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Every metric of the server, with the names the deployment guide's alert rules use, registered on
 * the registry passed in (never the static default). Things known at scrape time (readiness, power,
 * sparsity, sessions, in-flight requests, rolling coherence) are callback gauges.
 */
public final class ServerMetrics implements LoadListener {
    private static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] COHERENCE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0};

    private final PrometheusRegistry registry;
    private final Counter requests;
    private final Counter errors;
    private final Histogram inferenceDuration;
    private final Histogram requestDuration;
    private final Histogram coherence;
    private final Counter lowCoherence;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter rejected;

    /*
     * The labelled series of the per-request metrics, looked up once per label set: client_java's
     * labelValues() validates and wraps its arguments and hashes a list on every call. Series are never
     * removed (client_java keeps them too), and label values are only names of models that resolved.
     */
    private static final class RequestLabels { // not a record: its equals and hashCode run on every request
        private final String protocol;
        private final String model;
        private final String version;
        private final String endpoint;
        private final String code;
        private final int hash;

        RequestLabels(String protocol, String model, String version, String endpoint, String code) {
            this.protocol = protocol;
            this.model = model;
            this.version = version;
            this.endpoint = endpoint;
            this.code = code;
            this.hash = (((protocol.hashCode() * 31 + model.hashCode()) * 31 + version.hashCode()) * 31
                    + endpoint.hashCode()) * 31 + code.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestLabels k && hash == k.hash && code.equals(k.code) && model.equals(k.model)
                    && version.equals(k.version) && endpoint.equals(k.endpoint) && protocol.equals(k.protocol);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record ModelSeries(DistributionDataPoint inferenceDuration, DistributionDataPoint coherence,
            CounterDataPoint lowCoherence, CounterDataPoint cacheHits, CounterDataPoint cacheMisses) {
    }

    /** The protocol label's values. */
    public static final String HTTP = "http";
    public static final String GRPC = "grpc";
    /** Status codes as label values, made once rather than per request. */
    private static final String[] HTTP_CODES = new String[600];

    static {
        for (int i = 0; i < HTTP_CODES.length; i++) {
            HTTP_CODES[i] = Integer.toString(i);
        }
    }

    /**
     * The gRPC status names that mean the server failed, counted with HTTP's 5xx as server errors
     * (the alert rules and dashboards use the same set). RESOURCE_EXHAUSTED is not one: it answers
     * rate limiting as well as overload.
     */
    private static final java.util.Set<String> GRPC_SERVER_ERRORS = java.util.Set.of("UNKNOWN", "INTERNAL", "UNAVAILABLE",
            "DATA_LOSS", "DEADLINE_EXCEEDED");

    /** Whether a {@code code} label value of quantum_liquid_requests_total is a server error (HTTP 5xx or a gRPC failure). */
    public static boolean serverError(String code) {
        return code != null && ((code.length() == 3 && code.charAt(0) == '5') || GRPC_SERVER_ERRORS.contains(code));
    }

    private final ConcurrentHashMap<RequestLabels, CounterDataPoint> requestSeries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DistributionDataPoint> endpointSeries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ModelSeries> modelSeries = new ConcurrentHashMap<>();

    public ServerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        requests = Counter.builder().name("quantum_liquid_requests_total")
                .help("Requests answered, by protocol (http, grpc), model, version, endpoint and status code (the HTTP "
                        + "status, or the gRPC status name)")
                .labelNames("protocol", "model", "version", "endpoint", "code").register(registry);
        errors = Counter.builder().name("quantum_liquid_errors_total")
                .help("Errors by model and kind (bad_request, not_found, too_large, unsupported_media_type, not_ready, "
                        + "overloaded, internal, load_failed, energy_budget, unauthorized, forbidden, rate_limited, non_finite_output)")
                .labelNames("model", "kind").register(registry);
        inferenceDuration = Histogram.builder().name("quantum_liquid_inference_duration_seconds")
                .help("Time computing a request on the inference pool (cache misses), by model")
                .labelNames("model").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        requestDuration = Histogram.builder().name("quantum_liquid_request_duration_seconds")
                .help("Time from request received to response sent, by endpoint")
                .labelNames("endpoint").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        coherence = Histogram.builder().name("quantum_liquid_coherence")
                .help("Quantum coherence of each computed step (normalised l1 coherence, 0..1), by model")
                .labelNames("model").classicOnly().classicUpperBounds(COHERENCE_BUCKETS).register(registry);
        lowCoherence = Counter.builder().name("quantum_liquid_low_coherence_total")
                .help("Steps whose coherence was below QUANTUM_COHERENCE_THRESHOLD, by model")
                .labelNames("model").register(registry);
        cacheHits = Counter.builder().name("quantum_liquid_cache_hits_total")
                .help("Inference requests answered from the result cache, by model").labelNames("model").register(registry);
        cacheMisses = Counter.builder().name("quantum_liquid_cache_misses_total")
                .help("Inference requests computed (not in the result cache), by model").labelNames("model").register(registry);
        rejected = Counter.builder().name("quantum_liquid_rejected_total")
                .help("Requests turned away to protect the server, by reason (inflight, queue_timeout, rate_limit, "
                        + "auth_failures, sessions, draining, admission_requests, admission_body_bytes)")
                .labelNames("reason").register(registry);
    }

    public void rejected(String reason) {
        rejected.labelValues(reason).inc();
    }

    /** Requests admitted past admission control and not yet answered (health probes are not counted). */
    public void registerAdmitted(IntSupplier admitted) {
        GaugeWithCallback.builder().name("quantum_liquid_http_requests_admitted")
                .help("HTTP requests admitted (QLNN_MAX_CONCURRENT_REQUESTS, QLNN_MAX_BODY_BYTES_IN_FLIGHT) and not yet "
                        + "answered; health probes are not counted")
                .callback(cb -> cb.call(admitted.getAsInt()))
                .register(registry);
    }

    /** Scrape-time gauges over the server's live parts. */
    public void registerGauges(Supplier<List<VersionStatus>> index, Supplier<Map<String, Double>> coherenceMeans,
            IntSupplier sessions, IntSupplier inflight) {
        GaugeWithCallback.builder().name("quantum_liquid_model_ready")
                .help("1 when a model version takes traffic, 0 when it is known but not ready")
                .labelNames("model", "version")
                .callback(cb -> index.get().forEach(v -> cb.call(v.ready() ? 1 : 0, v.name(), Long.toString(v.version()))))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_model_power_microwatts")
                .help("Estimated power of a served model version at its sample rate (no series when unknown)")
                .labelNames("model", "version")
                .callback(cb -> served(index).forEach(s -> s.power().ifPresent(
                        p -> cb.call(p.microwatts(), s.name(), Long.toString(s.version())))))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_model_energy_microjoules_per_step")
                .help("Estimated energy of one step of a served model version (no series when unknown)")
                .labelNames("model", "version")
                .callback(cb -> served(index).forEach(s -> s.power().ifPresent(
                        p -> cb.call(p.microjoulesPerStep(), s.name(), Long.toString(s.version())))))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_model_sparsity")
                .help("Liquid sparsity of a served model version's wired liquid layers (no series when it has none)")
                .labelNames("model", "version")
                .callback(cb -> served(index).forEach(s -> s.sparsity().ifPresent(
                        x -> cb.call(x, s.name(), Long.toString(s.version())))))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_coherence_avg")
                .help("Rolling mean coherence of a model over its last 100 requests")
                .labelNames("model")
                .callback(cb -> coherenceMeans.get().forEach((m, v) -> cb.call(v, m)))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_sessions_active")
                .help("Server-held sequences (sequence_id) open now")
                .callback(cb -> cb.call(sessions.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder().name("quantum_liquid_inflight_requests")
                .help("Inference requests running or waiting on the inference pool now")
                .callback(cb -> cb.call(inflight.getAsInt()))
                .register(registry);
    }

    /**
     * The JVM and process metrics of client_java (memory, GC, threads, CPU, file descriptors...): what
     * {@code JvmMetrics} registers, except that the native memory metrics are left out when native
     * memory tracking is off. They would be empty then, and finding that out starts the platform MBean
     * server with every MXBean of the JVM (a tenth of the server's start-up).
     */
    public void registerJvm() {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        if (nativeMemoryTracking()) {
            JvmNativeMemoryMetrics.builder().register(registry);
        }
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** -XX:NativeMemoryTracking=summary or detail; true when it cannot be told (not HotSpot), so client_java decides. */
    private static boolean nativeMemoryTracking() {
        try {
            return !ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("NativeMemoryTracking")
                    .getValue().equals("off");
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static List<ServedModel> served(Supplier<List<VersionStatus>> index) {
        return index.get().stream().filter(VersionStatus::ready).flatMap(v -> v.served().stream()).toList();
    }

    /** An HTTP request answered with {@code status}. */
    public void request(String model, String version, String endpoint, int status, double seconds) {
        request(HTTP, model, version, endpoint, HTTP_CODES[status >= 100 && status < 600 ? status : 0], seconds);
    }

    /** A request answered over {@code protocol} ({@link #HTTP}, {@link #GRPC}) with {@code code}. */
    public void request(String protocol, String model, String version, String endpoint, String code, double seconds) {
        series(requestSeries, new RequestLabels(protocol, model, version, endpoint, code),
                k -> requests.labelValues(k.protocol, k.model, k.version, k.endpoint, k.code)).inc();
        series(endpointSeries, endpoint, requestDuration::labelValues).observe(seconds);
    }

    public void error(String model, String kind) {
        errors.labelValues(model, kind).inc();
    }

    @Override
    public void refused(String model, long version, String kind, String reason) {
        error(model, kind);
    }

    public void inference(String model, double seconds) {
        model(model).inferenceDuration().observe(seconds);
    }

    /** Per-step coherence [B*T] of one response and how many steps were below the threshold. */
    public void coherence(String model, float[] steps, long low) {
        ModelSeries m = model(model);
        for (float c : steps) {
            m.coherence().observe(c);
        }
        if (low > 0) {
            m.lowCoherence().inc(low);
        }
    }

    public void cache(String model, boolean hit) {
        ModelSeries m = model(model);
        (hit ? m.cacheHits() : m.cacheMisses()).inc();
    }

    private ModelSeries model(String model) {
        return series(modelSeries, model, m -> new ModelSeries(inferenceDuration.labelValues(m), coherence.labelValues(m),
                lowCoherence.labelValues(m), cacheHits.labelValues(m), cacheMisses.labelValues(m)));
    }

    /** A plain get first: computeIfAbsent may lock the bin even when the key is present. */
    private static <K, V> V series(ConcurrentHashMap<K, V> map, K key, Function<K, V> create) {
        V v = map.get(key);
        return v != null ? v : map.computeIfAbsent(key, create);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
