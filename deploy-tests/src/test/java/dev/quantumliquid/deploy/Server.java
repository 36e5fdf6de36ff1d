package dev.quantumliquid.deploy;

import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.config.Setting;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What the server serves and reads: the contract the manifests are checked against. */
final class Server {
    private Server() {}

    static final int PORT = 8080;
    static final String JAR_IN_IMAGE = "/app/qlnn.jar";
    static final String MODELS_IN_IMAGE = "/app/models";

    static final Set<String> LIVENESS_PATHS = Set.of("/v2/health/live", "/health");
    static final Set<String> READINESS_PATHS = Set.of("/ready", "/v2/health/ready");
    static final Set<String> PROBE_PATHS = Set.of("/v2/health/live", "/health", "/ready", "/v2/health/ready");

    /** Routes the Ingress may publish (prefixes of OIP model routes included). */
    static final List<String> PUBLIC_ROUTES = List.of(
            "/inference", "/health", "/ready", "/v2", "/v2/", "/v2/health/live", "/v2/health/ready", "/v2/models/");

    /** The gRPC port (QLNN_GRPC_PORT's default). */
    static final int GRPC_PORT = 8001;

    /** gRPC methods the gRPC Ingress may publish: every inference-service RPC but the repository ones, and health. */
    static final List<String> PUBLIC_RPCS = List.of(
            "/inference.GRPCInferenceService/ServerLive", "/inference.GRPCInferenceService/ServerReady",
            "/inference.GRPCInferenceService/ModelReady", "/inference.GRPCInferenceService/ServerMetadata",
            "/inference.GRPCInferenceService/ModelMetadata", "/inference.GRPCInferenceService/ModelInfer",
            "/inference.GRPCInferenceService/ModelStreamInfer", "/inference.GRPCInferenceService/ModelConfig",
            "/inference.GRPCInferenceService/ModelStatistics", "/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch");

    /** gRPC methods that must stay in-cluster (management). */
    static final List<String> PRIVATE_RPCS = List.of(
            "/inference.GRPCInferenceService/RepositoryIndex", "/inference.GRPCInferenceService/RepositoryModelLoad",
            "/inference.GRPCInferenceService/RepositoryModelUnload");

    /** Routes that must stay in-cluster. */
    static final List<String> PRIVATE_ROUTES = List.of("/metrics", "/v2/repository/index", "/");

    /** The variables the server reads: every setting descriptor's name. */
    static final Set<String> ENV = ServerConfig.SETTINGS.stream().map(Setting::name).collect(Collectors.toUnmodifiableSet());

    /** Metric names the server exports (histograms expand to _bucket/_sum/_count). */
    static final Set<String> METRICS = Set.of(
            "quantum_liquid_requests_total", "quantum_liquid_errors_total",
            "quantum_liquid_inference_duration_seconds", "quantum_liquid_request_duration_seconds",
            "quantum_liquid_coherence", "quantum_liquid_coherence_avg", "quantum_liquid_low_coherence_total",
            "quantum_liquid_model_ready", "quantum_liquid_model_power_microwatts",
            "quantum_liquid_model_energy_microjoules_per_step", "quantum_liquid_model_sparsity",
            "quantum_liquid_cache_hits_total", "quantum_liquid_cache_misses_total",
            "quantum_liquid_sessions_active", "quantum_liquid_inflight_requests", "quantum_liquid_rejected_total",
            // client_java JVM and process metrics
            "jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_memory_committed_bytes",
            "jvm_gc_collection_seconds", "jvm_threads_current", "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            // kube-state-metrics
            "kube_pod_container_status_restarts_total", "kube_pod_container_resource_limits",
            "kube_deployment_status_replicas_available", "kube_horizontalpodautoscaler_status_desired_replicas",
            // cAdvisor
            "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
            // Prometheus itself
            "up");

    static boolean isKnownMetric(String name) {
        if (METRICS.contains(name)) {
            return true;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix) && METRICS.contains(name.substring(0, name.length() - suffix.length()))) {
                return true;
            }
        }
        return false;
    }
}
