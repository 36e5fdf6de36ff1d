package dev.quantumliquid.server.config;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.repository.EnergyPolicy;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.security.Cidr;
import dev.quantumliquid.server.security.Role;
import dev.quantumliquid.server.store.S3Settings;
import dev.quantumliquid.server.store.StoreException;
import dev.quantumliquid.server.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of the server, read once from the environment (and command-line flags, which
 * override it) and passed through constructors. An invalid value stops start-up with one line
 * naming the variable, the accepted range and the value given.
 *
 * @param coherenceThreshold QUANTUM_COHERENCE_THRESHOLD: steps below it are flagged low_coherence
 * @param liquidSparsity LIQUID_SPARSITY: target sparsity of wired liquid layers at load
 * @param pruneMaxDrift QLNN_PRUNE_MAX_DRIFT: pruning that moves any output by more is refused
 * @param energyBudgetMicrowatts ENERGY_BUDGET_UW: a model estimated above it is not served (enforce)
 * @param energyPolicy QLNN_ENERGY_POLICY
 * @param logLevel LOG_LEVEL
 * @param enableMetrics ENABLE_METRICS: false removes /metrics
 * @param host QLNN_HOST: address to bind
 * @param port QLNN_PORT: 0 picks a free port
 * @param grpcPort QLNN_GRPC_PORT: the gRPC listener's port, -1 when it is off (QLNN_GRPC_PORT=0)
 * @param modelRepository QLNN_MODEL_REPOSITORY
 * @param pollInterval QLNN_POLL_INTERVAL_S: zero disables polling
 * @param cacheSize QLNN_CACHE_SIZE: zero disables the result cache
 * @param maxBatch QLNN_MAX_BATCH
 * @param maxSequenceLength QLNN_MAX_SEQUENCE_LENGTH: steps per request
 * @param maxInflight QLNN_MAX_INFLIGHT: inference requests running or queued; beyond it 503
 * @param workers QLNN_WORKERS: inference computations at once (and threads of the pool for larger requests)
 * @param maxSessions QLNN_MAX_SESSIONS: server-held sequences open at once
 * @param sessionIdle QLNN_SESSION_IDLE_S: a sequence unused this long is dropped
 * @param stateKeyFile QLNN_STATE_KEY_FILE: HMAC key of state tokens, shared by replicas
 * @param maxBodyBytes QLNN_MAX_BODY_BYTES: larger request bodies get 413
 * @param drain QLNN_DRAIN_S: on shutdown, how long readiness answers 503 before the listener closes
 * @param apiKeysFile QLNN_API_KEYS_FILE: key digests and roles; without it no route asks for a key
 * @param metricsAuth QLNN_METRICS_AUTH: the role /metrics needs, empty when it is open
 * @param adminAllowCidrs QLNN_ADMIN_ALLOW_CIDRS: client networks management routes answer
 * @param tlsCert QLNN_TLS_CERT: PEM certificate chain; with tlsKey, the listener speaks only TLS
 * @param tlsKey QLNN_TLS_KEY: PEM private key
 * @param tlsClientCa QLNN_TLS_CLIENT_CA: PEM CA certificates; when set, clients must present a certificate it signed
 * @param secretsPoll QLNN_SECRETS_POLL_S: how often key and certificate files are checked for changes
 * @param maxHeaderBytes QLNN_MAX_HEADER_BYTES: request line and headers larger are refused
 * @param maxJsonDepth QLNN_MAX_JSON_DEPTH: nesting of arrays and objects in a body
 * @param maxJsonTokens QLNN_MAX_JSON_TOKENS: tokens (values, brackets, names) in a body
 * @param inputAbsMax QLNN_INPUT_ABS_MAX: largest absolute input value
 * @param maxQueue QLNN_MAX_QUEUE_MS: longest wait for an inference worker before 503
 * @param rateLimitRps QLNN_RATE_LIMIT_RPS: requests per second per key (or client address), 0 for none
 * @param auditLog QLNN_AUDIT_LOG: whether the audit trail is written
 * @param limits connection, admission, timeout, loading, session and cache bounds
 * @param modelMemoryMb QLNN_MODEL_MEMORY_MB as given (0: half the maximum heap)
 * @param modelStore QLNN_MODEL_REPOSITORY when it is a bucket ({@code s3://bucket/prefix}); then {@code modelRepository}
 *        is the cache's copy of it
 * @param modelCache QLNN_MODEL_CACHE: local copy of a bucket repository
 * @param s3 QLNN_S3_ENDPOINT (else AWS_ENDPOINT_URL) and QLNN_S3_PATH_STYLE
 * @param trustedKeys QLNN_TRUSTED_KEYS: folder of Ed25519 *.pub keys; when set, only models signed by one load
 */
public record Config(
        double coherenceThreshold,
        double liquidSparsity,
        double pruneMaxDrift,
        double energyBudgetMicrowatts,
        EnergyPolicy energyPolicy,
        String logLevel,
        boolean enableMetrics,
        String host,
        int port,
        int grpcPort,
        Path modelRepository,
        Duration pollInterval,
        int cacheSize,
        int maxBatch,
        int maxSequenceLength,
        int maxInflight,
        int workers,
        int maxSessions,
        Duration sessionIdle,
        Optional<Path> stateKeyFile,
        long maxBodyBytes,
        Duration drain,
        Optional<Path> apiKeysFile,
        Optional<Role> metricsAuth,
        List<Cidr> adminAllowCidrs,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey,
        Optional<Path> tlsClientCa,
        Duration secretsPoll,
        int maxHeaderBytes,
        int maxJsonDepth,
        long maxJsonTokens,
        double inputAbsMax,
        Duration maxQueue,
        double rateLimitRps,
        boolean auditLog,
        Optional<String> modelStore,
        Path modelCache,
        S3Settings s3,
        Optional<Path> trustedKeys,
        ResourceLimits limits,
        long modelMemoryMb) {

    public Config {
        adminAllowCidrs = List.copyOf(adminAllowCidrs);
    }

    /** One documented setting: its variable, default and meaning (docs/SERVER.md mirrors this list). */
    public record Setting(String variable, String defaultValue, String meaning) {
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]{1,255}");
    private static final Pattern SECRET_NAME = Pattern.compile(".*_(SECRET|PASSWORD|TOKEN|CREDENTIALS?)");
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public static final List<Setting> SETTINGS = join(List.of(
            new Setting("QUANTUM_COHERENCE_THRESHOLD", "0.6", "steps and requests whose coherence is below it are flagged low_coherence and counted; /health is degraded while a model's rolling mean is below it (0..1)"),
            new Setting("LIQUID_SPARSITY", "0.4", "target sparsity of wired liquid layers, pruned to it at load (0..1)"),
            new Setting("QLNN_PRUNE_MAX_DRIFT", "0.05", "largest change of any output (absolute, on the calibration sequence) that load-time pruning may cause; beyond it pruning is refused and the model served unpruned"),
            new Setting("ENERGY_BUDGET_UW", "50.0", "a model whose estimated power exceeds it (microwatts) is not served under the enforce policy"),
            new Setting("QLNN_ENERGY_POLICY", "enforce", "enforce | warn: warn serves an over-budget model anyway and says so"),
            new Setting("LOG_LEVEL", "INFO", "TRACE | DEBUG | INFO | WARN | ERROR | OFF (JSON log lines on stdout)"),
            new Setting("ENABLE_METRICS", "true", "true | false: false removes GET /metrics"),
            new Setting("QLNN_HOST", "0.0.0.0", "address to listen on"),
            new Setting("QLNN_PORT", "8080", "port to listen on (0 picks a free one)"),
            new Setting("QLNN_GRPC_PORT", "8001", "port of the gRPC listener (Open Inference Protocol, grpc.health.v1); 0 turns it off, -1 picks a free one"),
            new Setting("QLNN_MODEL_REPOSITORY", "models", "model repository: a folder (or file:///folder) holding <model>/<version>/model.json, or an S3-compatible bucket s3://bucket/prefix, copied into QLNN_MODEL_CACHE and served from there"),
            new Setting("QLNN_MODEL_CACHE", "(temp folder)/qlnn-model-cache", "local copy of an s3:// repository; complete, checksum-verified versions only. Kept across restarts, it serves while the bucket cannot be reached"),
            new Setting("QLNN_S3_ENDPOINT", "AWS_ENDPOINT_URL", "endpoint URL of an S3-compatible store (MinIO, Ceph, S3Proxy); unset means AWS S3. Region and credentials come from the AWS SDK's default chain (AWS_REGION, AWS_ACCESS_KEY_ID, profile, web identity)"),
            new Setting("QLNN_S3_PATH_STYLE", "auto", "true | false | auto: path-style bucket addressing; auto is on when the endpoint is an IP address or localhost"),
            new Setting("QLNN_TRUSTED_KEYS", "(none)", "folder of Ed25519 public keys (ID.pub, from qlnn keygen --signing); when set, a model version loads only with a signature.json by one of them"),
            new Setting("QLNN_POLL_INTERVAL_S", "5", "seconds between repository scans for new, changed or removed versions (0 disables)"),
            new Setting("QLNN_CACHE_SIZE", "1000", "most entries of the result cache (0 disables it); QLNN_CACHE_MAX_MB bounds its bytes"),
            new Setting("QLNN_MAX_BATCH", "32", "most sequences in one request"),
            new Setting("QLNN_MAX_SEQUENCE_LENGTH", "4096", "most steps per sequence in one request"),
            new Setting("QLNN_MAX_INFLIGHT", "64", "inference requests running or waiting for a worker; beyond it 503 with Retry-After"),
            new Setting("QLNN_WORKERS", "number of cores", "inference computations at once (small requests on their own thread, larger ones on a pool of this many threads)"),
            new Setting("QLNN_MAX_SESSIONS", "1024", "server-held sequences (sequence_id) open at once; beyond it the least recently used idle one is dropped (503 only while every one is running a request)"),
            new Setting("QLNN_SESSION_IDLE_S", "300", "a server-held sequence unused this many seconds is dropped"),
            new Setting("QLNN_STATE_KEY_FILE", "(none)", "file with the HMAC-SHA256 key (at least 32 bytes) signing state tokens; replicas sharing it continue each other's sequences. Without it a random per-process key is used (logged as a warning)"),
            new Setting("QLNN_MAX_BODY_BYTES", "8388608", "largest request body; larger gets 413"),
            new Setting("QLNN_DRAIN_S", "5", "on shutdown, seconds during which readiness answers 503 (and answers carry Connection: close) before the listener stops accepting; requests in progress then finish (at most 30 s)"),
            new Setting("QLNN_API_KEYS_FILE", "(none)", "file of API keys, one per line: <key-id> sha256:<64 hex digits> <role>; when set, inference routes need an infer or admin key and management routes an admin key"),
            new Setting("QLNN_METRICS_AUTH", "none", "none | infer | admin: the role GET /metrics needs (infer and admin need QLNN_API_KEYS_FILE)"),
            new Setting("QLNN_ADMIN_ALLOW_CIDRS", "127.0.0.0/8,::1/128", "comma-separated IPv4/IPv6 networks from which management routes are answered; others get 403 even with an admin key"),
            new Setting("QLNN_TLS_CERT", "(none)", "PEM certificate chain; with QLNN_TLS_KEY the server speaks only TLS 1.2 and 1.3"),
            new Setting("QLNN_TLS_KEY", "(none)", "PEM private key of QLNN_TLS_CERT"),
            new Setting("QLNN_TLS_CLIENT_CA", "(none)", "PEM CA certificate(s); when set, every client must present a certificate signed by one (mTLS)"),
            new Setting("QLNN_SECRETS_POLL_S", "10", "seconds between checks of the key and certificate files; a changed file is reloaded without restart"),
            new Setting("QLNN_MAX_HEADER_BYTES", "16384", "largest request headers; larger gets 400"),
            new Setting("QLNN_MAX_JSON_DEPTH", "16", "deepest nesting of JSON arrays and objects in a body; deeper gets 400"),
            new Setting("QLNN_MAX_JSON_TOKENS", "4000000", "most JSON tokens (values, brackets, names) in a body; more gets 400"),
            new Setting("QLNN_INPUT_ABS_MAX", "10", "largest absolute value of an input; larger gets 400"),
            new Setting("QLNN_MAX_QUEUE_MS", "1000", "longest wait, in milliseconds, for an inference worker; beyond it 503 with Retry-After"),
            new Setting("QLNN_RATE_LIMIT_RPS", "0", "requests per second allowed per API key (per client address without keys); beyond it 429. 0 disables"),
            new Setting("QLNN_AUDIT_LOG", "stdout", "stdout | off: the audit trail (JSON lines on the logger named audit)")),
            ResourceLimits.SETTINGS);

    private static List<Setting> join(List<Setting> a, List<Setting> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** QLNN_GRPC_PORT as held: 0 (off) becomes -1, -1 (any free port) becomes 0, as a listener binds. */
    private static int grpcPort(int setting) {
        return setting == 0 ? -1 : Math.max(setting, 0);
    }

    /** Whether the gRPC listener runs. */
    public boolean grpcEnabled() {
        return grpcPort >= 0;
    }

    /** The defaults: what an empty environment gives. */
    public static Config defaults() {
        return fromEnvironment(Map.of());
    }

    /**
     * Reads every setting from {@code env} (typically {@code System.getenv()} with command-line
     * flags laid over it); variables not listed in {@link #SETTINGS} are ignored.
     */
    public static Config fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        Config c = new Config(
                r.decimal("QUANTUM_COHERENCE_THRESHOLD", 0.0, 1.0),
                r.decimal("LIQUID_SPARSITY", 0.0, 1.0),
                r.decimal("QLNN_PRUNE_MAX_DRIFT", 0.0, 1e6),
                r.decimal("ENERGY_BUDGET_UW", Double.MIN_VALUE, 1e12),
                EnergyPolicy.valueOf(r.choice("QLNN_ENERGY_POLICY", "enforce", "warn").toUpperCase(Locale.ROOT)),
                r.logLevel("LOG_LEVEL"),
                Boolean.parseBoolean(r.choice("ENABLE_METRICS", "true", "false")),
                r.host("QLNN_HOST"),
                (int) r.integer("QLNN_PORT", 0, 65535),
                grpcPort((int) r.integer("QLNN_GRPC_PORT", -1, 65535)),
                r.repositoryFolder(),
                r.seconds("QLNN_POLL_INTERVAL_S", 0),
                (int) r.integer("QLNN_CACHE_SIZE", 0, 10_000_000),
                (int) r.integer("QLNN_MAX_BATCH", 1, 1_000_000),
                (int) r.integer("QLNN_MAX_SEQUENCE_LENGTH", 1, 100_000_000),
                (int) r.integer("QLNN_MAX_INFLIGHT", 1, 1_000_000),
                (int) r.integer("QLNN_WORKERS", 1, 4096),
                (int) r.integer("QLNN_MAX_SESSIONS", 0, 10_000_000),
                r.seconds("QLNN_SESSION_IDLE_S", 1),
                r.optionalPath("QLNN_STATE_KEY_FILE"),
                r.integer("QLNN_MAX_BODY_BYTES", 1024, 1L << 31),
                r.seconds("QLNN_DRAIN_S", 0),
                r.optionalPath("QLNN_API_KEYS_FILE"),
                Role.parse(r.choice("QLNN_METRICS_AUTH", "none", "infer", "admin")),
                r.cidrs("QLNN_ADMIN_ALLOW_CIDRS"),
                r.optionalPath("QLNN_TLS_CERT"),
                r.optionalPath("QLNN_TLS_KEY"),
                r.optionalPath("QLNN_TLS_CLIENT_CA"),
                r.seconds("QLNN_SECRETS_POLL_S", 0.05),
                (int) r.integer("QLNN_MAX_HEADER_BYTES", 1024, 1 << 20),
                (int) r.integer("QLNN_MAX_JSON_DEPTH", 2, 1000),
                r.integer("QLNN_MAX_JSON_TOKENS", 16, 1_000_000_000),
                r.decimal("QLNN_INPUT_ABS_MAX", Double.MIN_VALUE, 3.4e38),
                Duration.ofMillis(r.integer("QLNN_MAX_QUEUE_MS", 1, 600_000)),
                r.decimal("QLNN_RATE_LIMIT_RPS", 0.0, 1e9),
                r.choice("QLNN_AUDIT_LOG", "stdout", "off").equals("stdout"),
                r.modelStore(),
                r.modelCache(),
                r.s3(),
                r.optionalPath("QLNN_TRUSTED_KEYS"),
                new ResourceLimits(
                        (int) r.integer("QLNN_MAX_CONNECTIONS", 1, 1_000_000),
                        (int) r.integer("QLNN_MAX_CONCURRENT_REQUESTS", 1, 1_000_000),
                        r.integer("QLNN_MAX_BODY_BYTES_IN_FLIGHT", 1024, 1L << 40),
                        r.seconds("QLNN_READ_TIMEOUT_S", 0.1),
                        r.seconds("QLNN_IDLE_TIMEOUT_S", 1),
                        r.seconds("QLNN_LOAD_TIMEOUT_S", 0.1),
                        ResourceLimits.modelMemory(r.integer("QLNN_MODEL_MEMORY_MB", 0, 1_000_000)),
                        (int) r.integer("QLNN_MAX_SESSIONS_PER_KEY", 1, 10_000_000),
                        r.integer("QLNN_CACHE_MAX_MB", 1, 1_000_000) * ResourceLimits.MIB),
                r.integer("QLNN_MODEL_MEMORY_MB", 0, 1_000_000));
        if (c.tlsCert.isPresent() != c.tlsKey.isPresent()) {
            throw new ServerException(Kind.CONFIG, (c.tlsCert.isPresent() ? "QLNN_TLS_KEY" : "QLNN_TLS_CERT")
                    + ": must be set together with " + (c.tlsCert.isPresent() ? "QLNN_TLS_CERT" : "QLNN_TLS_KEY"));
        }
        if (c.tlsClientCa.isPresent() && c.tlsCert.isEmpty()) {
            throw new ServerException(Kind.CONFIG, "QLNN_TLS_CLIENT_CA: needs QLNN_TLS_CERT and QLNN_TLS_KEY (client certificates need TLS)");
        }
        if (c.metricsAuth.isPresent() && c.apiKeysFile.isEmpty()) {
            throw new ServerException(Kind.CONFIG, "QLNN_METRICS_AUTH: '" + c.metricsAuth.get().label()
                    + "' needs QLNN_API_KEYS_FILE (no key could pass)");
        }
        return c;
    }

    /** A copy with some variables replaced (as flags would), validated the same way. */
    public Config with(Map<String, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(asEnvironment());
        env.putAll(overrides);
        return fromEnvironment(env);
    }

    /** This configuration written back as variables (round-trips through {@link #fromEnvironment}). */
    public Map<String, String> asEnvironment() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("QUANTUM_COHERENCE_THRESHOLD", Double.toString(coherenceThreshold));
        m.put("LIQUID_SPARSITY", Double.toString(liquidSparsity));
        m.put("QLNN_PRUNE_MAX_DRIFT", Double.toString(pruneMaxDrift));
        m.put("ENERGY_BUDGET_UW", Double.toString(energyBudgetMicrowatts));
        m.put("QLNN_ENERGY_POLICY", energyPolicy.name().toLowerCase(Locale.ROOT));
        m.put("LOG_LEVEL", logLevel);
        m.put("ENABLE_METRICS", Boolean.toString(enableMetrics));
        m.put("QLNN_HOST", host);
        m.put("QLNN_PORT", Integer.toString(port));
        m.put("QLNN_GRPC_PORT", Integer.toString(grpcEnabled() ? (grpcPort == 0 ? -1 : grpcPort) : 0));
        m.put("QLNN_MODEL_REPOSITORY", modelStore.orElse(modelRepository.toString()));
        m.put("QLNN_MODEL_CACHE", modelCache.toString());
        s3.endpoint().ifPresent(u -> m.put(S3Settings.ENDPOINT, u.toString()));
        m.put(S3Settings.PATH_STYLE, Boolean.toString(s3.pathStyle()));
        trustedKeys.ifPresent(p -> m.put("QLNN_TRUSTED_KEYS", p.toString()));
        m.put("QLNN_POLL_INTERVAL_S", seconds(pollInterval));
        m.put("QLNN_CACHE_SIZE", Integer.toString(cacheSize));
        m.put("QLNN_MAX_BATCH", Integer.toString(maxBatch));
        m.put("QLNN_MAX_SEQUENCE_LENGTH", Integer.toString(maxSequenceLength));
        m.put("QLNN_MAX_INFLIGHT", Integer.toString(maxInflight));
        m.put("QLNN_WORKERS", Integer.toString(workers));
        m.put("QLNN_MAX_SESSIONS", Integer.toString(maxSessions));
        m.put("QLNN_SESSION_IDLE_S", seconds(sessionIdle));
        stateKeyFile.ifPresent(p -> m.put("QLNN_STATE_KEY_FILE", p.toString()));
        m.put("QLNN_MAX_BODY_BYTES", Long.toString(maxBodyBytes));
        m.put("QLNN_DRAIN_S", seconds(drain));
        apiKeysFile.ifPresent(p -> m.put("QLNN_API_KEYS_FILE", p.toString()));
        m.put("QLNN_METRICS_AUTH", metricsAuth.map(Role::label).orElse("none"));
        m.put("QLNN_ADMIN_ALLOW_CIDRS", String.join(",", adminAllowCidrs.stream().map(Cidr::toString).toList()));
        tlsCert.ifPresent(p -> m.put("QLNN_TLS_CERT", p.toString()));
        tlsKey.ifPresent(p -> m.put("QLNN_TLS_KEY", p.toString()));
        tlsClientCa.ifPresent(p -> m.put("QLNN_TLS_CLIENT_CA", p.toString()));
        m.put("QLNN_SECRETS_POLL_S", seconds(secretsPoll));
        m.put("QLNN_MAX_HEADER_BYTES", Integer.toString(maxHeaderBytes));
        m.put("QLNN_MAX_JSON_DEPTH", Integer.toString(maxJsonDepth));
        m.put("QLNN_MAX_JSON_TOKENS", Long.toString(maxJsonTokens));
        m.put("QLNN_INPUT_ABS_MAX", Double.toString(inputAbsMax));
        m.put("QLNN_MAX_QUEUE_MS", Long.toString(maxQueue.toMillis()));
        m.put("QLNN_RATE_LIMIT_RPS", Double.toString(rateLimitRps));
        m.put("QLNN_AUDIT_LOG", auditLog ? "stdout" : "off");
        m.putAll(limits.asEnvironment(modelMemoryMb));
        return m;
    }

    /**
     * The settings for the log: secrets only ever come from files, so values are paths and numbers;
     * still, any variable whose name says it holds a secret value is shown as {@code <redacted>}.
     */
    public Map<String, String> redacted() {
        Map<String, String> m = new LinkedHashMap<>(asEnvironment());
        m.replaceAll((k, v) -> SECRET_NAME.matcher(k).matches() ? "<redacted>" : v);
        return m;
    }

    private static String seconds(Duration d) {
        return Double.toString(d.toNanos() / 1e9);
    }

    /** Parses variables, each against its documented default. */
    private static final class Reader {
        private final Map<String, String> env;

        Reader(Map<String, String> env) {
            this.env = env;
        }

        private String raw(String name) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return defaultOf(name);
            }
            return v.strip();
        }

        private static String defaultOf(String name) {
            if (name.equals("QLNN_WORKERS")) {
                return Integer.toString(CORES);
            }
            if (name.equals("QLNN_MODEL_CACHE")) {
                return Path.of(System.getProperty("java.io.tmpdir"), "qlnn-model-cache").toString();
            }
            for (Setting s : SETTINGS) {
                if (s.variable().equals(name)) {
                    return s.defaultValue().equals("(none)") ? "" : s.defaultValue();
                }
            }
            throw new IllegalArgumentException("undocumented setting " + name);
        }

        private static ServerException invalid(String name, String expected, String got) {
            String shown = got.length() > 60 ? got.substring(0, 60) + "..." : got;
            return new ServerException(Kind.CONFIG, name + ": must be " + expected + ", got '" + shown + "'");
        }

        double decimal(String name, double min, double max) {
            String v = raw(name);
            String expected = "a number in [" + (min == Double.MIN_VALUE ? "above 0" : fmt(min)) + ", " + fmt(max) + "]";
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d) || d < min || d > max) {
                    throw invalid(name, expected, v);
                }
                return d;
            } catch (NumberFormatException e) {
                throw invalid(name, expected, v);
            }
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }

        long integer(String name, long min, long max) {
            String v = raw(name);
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    throw invalid(name, "an integer in [" + min + ", " + max + "]", v);
                }
                return n;
            } catch (NumberFormatException e) {
                throw invalid(name, "an integer in [" + min + ", " + max + "]", v);
            }
        }

        Duration seconds(String name, double min) {
            String v = raw(name);
            String expected = "a number of seconds in [" + fmt(min) + ", 86400]";
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d) || d < min || d > 86400) {
                    throw invalid(name, expected, v);
                }
                return Duration.ofNanos(Math.round(d * 1e9));
            } catch (NumberFormatException e) {
                throw invalid(name, expected, v);
            }
        }

        String choice(String name, String... options) {
            String v = raw(name).toLowerCase(Locale.ROOT);
            for (String o : options) {
                if (o.equals(v)) {
                    return o;
                }
            }
            throw invalid(name, "one of " + String.join(", ", options), raw(name));
        }

        String logLevel(String name) {
            String v = raw(name).toUpperCase(Locale.ROOT);
            if (!LEVELS.contains(v)) {
                throw invalid(name, "one of TRACE, DEBUG, INFO, WARN, ERROR, OFF", raw(name));
            }
            return v;
        }

        String host(String name) {
            String v = raw(name);
            if (!HOST.matcher(v).matches()) {
                throw invalid(name, "a host name or IP address", v);
            }
            return v;
        }

        Path path(String name) {
            String v = raw(name);
            if (v.indexOf('\0') >= 0) {
                throw invalid(name, "a path", v);
            }
            return Path.of(v);
        }

        /** The folder served: QLNN_MODEL_REPOSITORY itself, or the cache's copy of a bucket. */
        Path repositoryFolder() {
            String v = raw("QLNN_MODEL_REPOSITORY");
            if (Stores.isBucket(v)) {
                return modelCache().resolve("models");
            }
            try {
                return Stores.folder("QLNN_MODEL_REPOSITORY", v);
            } catch (StoreException e) {
                throw new ServerException(Kind.CONFIG, e.getMessage());
            }
        }

        Optional<String> modelStore() {
            String v = raw("QLNN_MODEL_REPOSITORY");
            return Stores.isBucket(v) ? Optional.of(v) : Optional.empty();
        }

        Path modelCache() {
            return path("QLNN_MODEL_CACHE");
        }

        S3Settings s3() {
            try {
                return S3Settings.fromEnvironment(env);
            } catch (StoreException e) {
                throw new ServerException(Kind.CONFIG, e.getMessage());
            }
        }

        List<Cidr> cidrs(String name) {
            String v = raw(name);
            try {
                return Cidr.parseList(v);
            } catch (IllegalArgumentException e) {
                throw invalid(name, "comma-separated IPv4/IPv6 CIDRs (" + e.getMessage() + ")", v);
            }
        }

        Optional<Path> optionalPath(String name) {
            String v = raw(name);
            return v.isEmpty() ? Optional.empty() : Optional.of(path(name));
        }
    }
}
