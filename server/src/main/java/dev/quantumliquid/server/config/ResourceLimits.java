package dev.quantumliquid.server.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings that bound what clients and model folders may cost: connections, request
 * admission, timeouts, model loading, server-held sequences per caller and the result cache's bytes.
 *
 * @param maxConnections QLNN_MAX_CONNECTIONS: open connections at once; keep it below the file-descriptor limit
 * @param maxConcurrentRequests QLNN_MAX_CONCURRENT_REQUESTS: requests other than probes admitted at once
 * @param bodyBytesInFlight QLNN_MAX_BODY_BYTES_IN_FLIGHT: request bytes announced by admitted requests at once
 * @param readTimeout QLNN_READ_TIMEOUT_S: longest wait for the next bytes of a request
 * @param idleTimeout QLNN_IDLE_TIMEOUT_S: a keep-alive connection without a request this long is closed
 * @param loadTimeout QLNN_LOAD_TIMEOUT_S: longest a version may take to load
 * @param modelMemoryBytes QLNN_MODEL_MEMORY_MB in bytes: heap a version may need once loaded
 * @param maxSessionsPerCaller QLNN_MAX_SESSIONS_PER_KEY: server-held sequences one key (or address) may hold
 * @param cacheBytes QLNN_CACHE_MAX_MB in bytes: heap the result cache may hold
 */
public record ResourceLimits(int maxConnections, int maxConcurrentRequests, long bodyBytesInFlight, Duration readTimeout,
        Duration idleTimeout, Duration loadTimeout, long modelMemoryBytes, int maxSessionsPerCaller, long cacheBytes) {

    static final long MIB = 1L << 20;

    /** The documented settings, in the order of the README's table. */
    static final List<Config.Setting> SETTINGS = List.of(
            new Config.Setting("QLNN_MAX_CONNECTIONS", "1000", "open connections at once; more wait in the accept backlog. Keep it below the process's file-descriptor limit (ulimit -n) minus about 100"),
            new Config.Setting("QLNN_MAX_CONCURRENT_REQUESTS", "256", "requests other than health probes admitted at once; beyond it 503 with Retry-After and Connection: close, before the body is read"),
            new Config.Setting("QLNN_MAX_BODY_BYTES_IN_FLIGHT", "67108864", "request body bytes (as announced by Content-Length) that admitted requests may carry at once; beyond it 503 before the body is read"),
            new Config.Setting("QLNN_READ_TIMEOUT_S", "20", "longest wait for the next bytes of a request's headers or body; then the connection is closed"),
            new Config.Setting("QLNN_IDLE_TIMEOUT_S", "30", "a connection with no request for this many seconds is closed (also one whose first request line never ends); keep it above the load balancer's server-side keep-alive timeout"),
            new Config.Setting("QLNN_LOAD_TIMEOUT_S", "120", "longest a model version may take to load; beyond it the version is UNAVAILABLE"),
            new Config.Setting("QLNN_MODEL_MEMORY_MB", "0", "heap a model version may need once loaded (about 4 x its file sizes); a larger one is refused before it is read. 0: half the maximum heap"),
            new Config.Setting("QLNN_MAX_SESSIONS_PER_KEY", "64", "server-held sequences one API key (or client address without keys) may hold open"),
            new Config.Setting("QLNN_CACHE_MAX_MB", "64", "heap the result cache may hold; a result larger than a sixteenth of it is not cached"));

    /** Resolves "0 = half the maximum heap". */
    static long modelMemory(long mb) {
        return mb == 0 ? Runtime.getRuntime().maxMemory() / 2 : mb * MIB;
    }

    Map<String, String> asEnvironment(long modelMemoryMb) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("QLNN_MAX_CONNECTIONS", Integer.toString(maxConnections));
        m.put("QLNN_MAX_CONCURRENT_REQUESTS", Integer.toString(maxConcurrentRequests));
        m.put("QLNN_MAX_BODY_BYTES_IN_FLIGHT", Long.toString(bodyBytesInFlight));
        m.put("QLNN_READ_TIMEOUT_S", Double.toString(readTimeout.toNanos() / 1e9));
        m.put("QLNN_IDLE_TIMEOUT_S", Double.toString(idleTimeout.toNanos() / 1e9));
        m.put("QLNN_LOAD_TIMEOUT_S", Double.toString(loadTimeout.toNanos() / 1e9));
        m.put("QLNN_MODEL_MEMORY_MB", Long.toString(modelMemoryMb));
        m.put("QLNN_MAX_SESSIONS_PER_KEY", Integer.toString(maxSessionsPerCaller));
        m.put("QLNN_CACHE_MAX_MB", Long.toString(cacheBytes / MIB));
        return m;
    }
}
