package dev.quantumliquid.server.http;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP listener: where it listens, how long it drains, and what a connection, a request and a
 * JSON body may cost.
 *
 * @param host QLNN_HOST
 * @param port QLNN_PORT (0: a free port)
 * @param drain QLNN_DRAIN_S
 * @param maxBodyBytes QLNN_MAX_BODY_BYTES
 * @param maxHeaderBytes QLNN_MAX_HEADER_BYTES
 * @param maxJsonDepth QLNN_MAX_JSON_DEPTH
 * @param maxJsonTokens QLNN_MAX_JSON_TOKENS
 * @param maxConnections QLNN_MAX_CONNECTIONS
 * @param maxConcurrentRequests QLNN_MAX_CONCURRENT_REQUESTS
 * @param bodyBytesInFlight QLNN_MAX_BODY_BYTES_IN_FLIGHT
 * @param headerTimeout QLNN_HEADER_TIMEOUT_S
 * @param readTimeout QLNN_READ_TIMEOUT_S
 * @param idleTimeout QLNN_IDLE_TIMEOUT_S
 */
public record HttpSettings(String host, int port, Duration drain, long maxBodyBytes, int maxHeaderBytes, int maxJsonDepth,
        long maxJsonTokens, int maxConnections, int maxConcurrentRequests, long bodyBytesInFlight,
        Duration headerTimeout, Duration readTimeout, Duration idleTimeout) {

    public static final Setting<String> HOST = Setting.named("QLNN_HOST").defaultsTo("0.0.0.0").flag("--host")
            .doc("address to listen on").host();
    public static final Setting<Integer> PORT = Setting.named("QLNN_PORT").defaultsTo("8080").flag("--port")
            .doc("port to listen on (0 picks a free one)").count(0, 65535);
    public static final Setting<Duration> DRAIN = Setting.named("QLNN_DRAIN_S").defaultsTo("5")
            .doc("on SIGTERM, seconds during which readiness answers 503 (requests are still served, with `Connection: close`) "
                    + "before the listener stops accepting; requests in progress then finish (at most 30 s). On SIGINT (Ctrl-C) "
                    + "the drain ends as soon as no request is in flight").seconds(0);
    public static final Setting<Long> MAX_BODY_BYTES = Setting.named("QLNN_MAX_BODY_BYTES").defaultsTo("8388608")
            .doc("largest request body, as sent and once decompressed; larger gets 413").integer(1024, 1L << 31);
    public static final Setting<Integer> MAX_HEADER_BYTES = Setting.named("QLNN_MAX_HEADER_BYTES").defaultsTo("16384")
            .doc("largest request headers (400 beyond)").count(1024, 1 << 20);
    public static final Setting<Integer> MAX_JSON_DEPTH = Setting.named("QLNN_MAX_JSON_DEPTH").defaultsTo("16")
            .doc("deepest nesting of JSON arrays and objects in a body (400 beyond)").count(2, 1000);
    public static final Setting<Long> MAX_JSON_TOKENS = Setting.named("QLNN_MAX_JSON_TOKENS").defaultsTo("4000000")
            .doc("most JSON tokens (values, brackets, names) in a body (400 beyond)").integer(16, 1_000_000_000);
    public static final Setting<Integer> MAX_CONNECTIONS = Setting.named("QLNN_MAX_CONNECTIONS").defaultsTo("1000")
            .doc("open connections at once; more wait in the accept backlog. Keep it below the file-descriptor limit "
                    + "(`ulimit -n`) minus about 100").count(1, 1_000_000);
    public static final Setting<Integer> MAX_CONCURRENT_REQUESTS = Setting.named("QLNN_MAX_CONCURRENT_REQUESTS")
            .defaultsTo("256").doc("requests other than health probes and `/metrics` admitted at once; beyond it 503 with "
                    + "`Retry-After` and `Connection: close`, before the body is read").count(1, 1_000_000);
    public static final Setting<Long> MAX_BODY_BYTES_IN_FLIGHT = Setting.named("QLNN_MAX_BODY_BYTES_IN_FLIGHT")
            .defaultsTo("67108864").doc("request body bytes (as announced by `Content-Length`; a chunked body counts as "
                    + "`QLNN_MAX_BODY_BYTES`) admitted requests may carry at once; beyond it 503 before the body is read")
            .integer(1024, 1L << 40);
    public static final Setting<Duration> HEADER_TIMEOUT = Setting.named("QLNN_HEADER_TIMEOUT_S").defaultsTo("20")
            .doc("longest a request line and its headers may take, from the connection's accept for its first request (a "
                    + "connection that sends nothing, never ends its request line or stalls its TLS handshake is closed then) "
                    + "and from the first byte for later ones (one log line)").seconds(0.1);
    public static final Setting<Duration> READ_TIMEOUT = Setting.named("QLNN_READ_TIMEOUT_S").defaultsTo("20")
            .doc("a request whose headers or body stall this long is closed (one log line)").seconds(0.1);
    public static final Setting<Duration> IDLE_TIMEOUT = Setting.named("QLNN_IDLE_TIMEOUT_S").defaultsTo("30")
            .doc("a keep-alive connection with no request for this long after its last answer is closed; keep it "
                    + "above the load balancer's keep-alive timeout").seconds(1);

    public static final List<Setting<?>> SETTINGS = List.of(HOST, PORT, DRAIN, MAX_BODY_BYTES, MAX_HEADER_BYTES,
            MAX_JSON_DEPTH, MAX_JSON_TOKENS, MAX_CONNECTIONS, MAX_CONCURRENT_REQUESTS, MAX_BODY_BYTES_IN_FLIGHT,
            HEADER_TIMEOUT, READ_TIMEOUT, IDLE_TIMEOUT);

    public static HttpSettings load(PropertySource source) {
        return new HttpSettings(HOST.read(source), PORT.read(source), DRAIN.read(source), MAX_BODY_BYTES.read(source),
                MAX_HEADER_BYTES.read(source), MAX_JSON_DEPTH.read(source), MAX_JSON_TOKENS.read(source),
                MAX_CONNECTIONS.read(source), MAX_CONCURRENT_REQUESTS.read(source), MAX_BODY_BYTES_IN_FLIGHT.read(source),
                HEADER_TIMEOUT.read(source), READ_TIMEOUT.read(source), IDLE_TIMEOUT.read(source));
    }
}
