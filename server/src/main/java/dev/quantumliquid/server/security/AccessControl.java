package dev.quantumliquid.server.security;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.audit.Audit;
import dev.quantumliquid.server.http.Admission;
import dev.quantumliquid.server.tags.RequestTags;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Who may call what, registered ahead of every resource so it sees a request before any handler:
 * health, readiness and the dashboard's static files are open; {@code /metrics} needs
 * QLNN_METRICS_AUTH's role; management routes ({@code /v2/repository/...}) need a client address in
 * QLNN_ADMIN_ALLOW_CIDRS and, with keys, an admin key; every other route (inference, metadata, the
 * dashboard's data, unknown paths) needs an infer or admin key when
 * QLNN_API_KEYS_FILE is set. Keys come as {@code Authorization: Bearer} or {@code X-API-Key}. 401
 * without a valid key, 403 for the wrong role or address, 429 above QLNN_RATE_LIMIT_RPS; each
 * refusal is audited with the client address and key id, never the key.
 */
public final class AccessControl implements HttpService {
    static final HeaderName X_API_KEY = HeaderNames.create("X-API-Key");
    /** Routes that stay open whatever the settings (probes must work without secrets). */
    static final List<String> OPEN = Admission.PROBES;
    /**
     * The dashboard's static files, open to GET: they hold no data and no secret, and a browser cannot
     * send a key before the page that asks for one has loaded. The dashboard's data
     * ({@code /dashboard/api/summary}) and the inference it sends need a key like any other route.
     */
    static final List<String> DASHBOARD_ASSETS = List.of("/", "/dashboard/app.js", "/dashboard/app.css", "/dashboard/favicon.svg");

    private final AtomicReference<Optional<ApiKeys>> keys;
    private final List<Cidr> adminAllow;
    private final Optional<Role> metricsRole;
    private final RateLimiter limiter;
    /** Failed authentications per client address: beyond it 429, so a flood of bad keys cannot flood the audit trail. */
    private final RateLimiter failures = new RateLimiter(FAILED_AUTH_PER_SECOND);
    /** One audit line per address per ten seconds says failures are being refused unaudited. */
    private final RateLimiter floodNotices = new RateLimiter(0.1);
    private final Audit audit;

    /** Failed authentications per second (burst as many) one client address may make before 429. */
    static final double FAILED_AUTH_PER_SECOND = 10;

    public AccessControl(SecuritySettings config, Optional<ApiKeys> keys, Audit audit) {
        this.keys = new AtomicReference<>(keys);
        this.adminAllow = config.adminAllowCidrs();
        this.metricsRole = config.metricsAuth();
        this.limiter = new RateLimiter(config.rateLimitRps());
        this.audit = audit;
    }

    /** Replaces the keys (the file was rotated); a request in progress finishes with the keys it was checked against. */
    public void keys(ApiKeys k) {
        keys.set(Optional.of(k));
    }

    public boolean keysRequired() {
        return keys.get().isPresent();
    }

    /**
     * Put in a request's context by the first guard that matched it, so later guards let it pass;
     * the routes are matched by Helidon exactly as the resources' routes are, never by hand.
     */
    private record Decided() {
    }

    @Override
    public void routing(HttpRules rules) {
        for (String path : OPEN) {
            rules.any(path, (req, res) -> decided(req, res));
        }
        for (String path : DASHBOARD_ASSETS) {
            rules.get(path, (req, res) -> decided(req, res));
        }
        rules.any("/metrics", (req, res) -> {
            metricsRole.ifPresent(role -> authenticate(caller(req), role));
            decided(req, res);
        });
        rules.any("/v2/repository", this::management).any("/v2/repository/*", this::management);
        rules.any((req, res) -> {
            if (req.context().get(Decided.class).isEmpty()) {
                admit(caller(req), Route.INFERENCE);
            }
            res.next();
        });
    }

    /** What a route needs: nothing (probes), an infer key, or an admin key from an allowed address. */
    public enum Route { OPEN, INFERENCE, MANAGEMENT }

    /**
     * Who is calling, whatever the protocol: the key presented (if any), the client address, and the
     * method and path (or gRPC method) for the audit trail. {@code keyId} is told the id of the key
     * once it is known, so the request's labels and log name it even when it is then refused.
     */
    public record Caller(Optional<String> key, InetAddress client, String method, String path, Consumer<String> keyId) {
    }

    /**
     * The decision for one request on a route, for every protocol: passes, or throws 401, 403 or 429
     * (audited). Returns the key's entry when keys are required.
     */
    public Optional<ApiKeys.Entry> admit(Caller c, Route route) {
        return switch (route) {
            case OPEN -> Optional.empty();
            case INFERENCE -> {
                Optional<ApiKeys.Entry> who = keysRequired() ? Optional.of(authenticate(c, Role.INFER)) : Optional.empty();
                limit(c, who);
                yield who;
            }
            case MANAGEMENT -> {
                if (adminAllow.stream().noneMatch(n -> n.contains(c.client()))) {
                    String keyId = keysRequired() ? c.key().flatMap(k -> keys.get().orElseThrow().authenticate(k))
                            .map(ApiKeys.Entry::id).orElse("-") : "-";
                    throw deny(c, keyId, Kind.FORBIDDEN, "client address not in QLNN_ADMIN_ALLOW_CIDRS",
                            "management routes are not answered from " + c.client().getHostAddress()
                                    + " (QLNN_ADMIN_ALLOW_CIDRS)");
                }
                Optional<ApiKeys.Entry> who = keysRequired() ? Optional.of(authenticate(c, Role.ADMIN)) : Optional.empty();
                limit(c, who);
                yield who;
            }
        };
    }

    private static Caller caller(ServerRequest req) {
        return new Caller(presentedKey(req), client(req), req.prologue().method().text(), path(req),
                id -> RequestTags.of(req).keyId(id));
    }

    private static void decided(ServerRequest req, ServerResponse res) {
        req.context().register(new Decided());
        res.next();
    }

    private void management(ServerRequest req, ServerResponse res) {
        admit(caller(req), Route.MANAGEMENT);
        decided(req, res);
    }

    /**
     * The key's entry if it exists and grants {@code needed}; else 401 or 403. A valid key is never
     * slowed by others' failures; failed attempts are limited per client address (429 beyond
     * {@value #FAILED_AUTH_PER_SECOND} per second, audited once per ten seconds rather than each).
     */
    private ApiKeys.Entry authenticate(Caller c, Role needed) {
        Optional<ApiKeys.Entry> e = c.key().flatMap(k -> keys.get().orElseThrow().authenticate(k));
        if (e.isEmpty()) {
            String address = c.client().getHostAddress();
            if (!failures.tryAcquire(address)) {
                if (floodNotices.tryAcquire(address)) {
                    audit.denied(address, "-", c.method(), c.path(), 429, "failed authentications beyond "
                            + (int) FAILED_AUTH_PER_SECOND + " per second from this address; further ones are refused "
                            + "and not audited each");
                }
                throw ServerException.rejected(Kind.RATE_LIMITED, "auth_failures", "too many failed authentications from "
                        + "this address; retry later with a valid key");
            }
        }
        if (c.key().isEmpty()) {
            throw deny(c, "-", Kind.UNAUTHORIZED, "no key",
                    "an API key is required (Authorization: Bearer <key> or X-API-Key: <key>)");
        }
        if (e.isEmpty()) {
            throw deny(c, "-", Kind.UNAUTHORIZED, "unknown key (sha256 prefix " + digestPrefix(c.key().get()) + ")",
                    "the API key is not valid");
        }
        c.keyId().accept(e.get().id());
        if (!e.get().role().grants(needed)) {
            throw deny(c, e.get().id(), Kind.FORBIDDEN, "role " + e.get().role().label() + " lacks " + needed.label(),
                    "this route needs the " + needed.label() + " role; key '" + e.get().id() + "' has "
                            + e.get().role().label());
        }
        return e.get();
    }

    private void limit(Caller c, Optional<ApiKeys.Entry> who) {
        if (!limiter.enabled()) {
            return;
        }
        String caller = who.map(e -> "key:" + e.id()).orElseGet(() -> "ip:" + c.client().getHostAddress());
        if (!limiter.tryAcquire(caller)) {
            String keyId = who.map(ApiKeys.Entry::id).orElse("-");
            audit.denied(c.client().getHostAddress(), keyId, c.method(), c.path(), 429, "rate limit");
            throw ServerException.rejected(Kind.RATE_LIMITED, "rate_limit", "rate limit exceeded: more than "
                    + "QLNN_RATE_LIMIT_RPS requests per second for " + (who.isPresent() ? "key '" + keyId + "'" : "this client"));
        }
    }

    private ServerException deny(Caller c, String keyId, Kind kind, String why, String message) {
        audit.denied(c.client().getHostAddress(), keyId, c.method(), c.path(), kind == Kind.UNAUTHORIZED ? 401 : 403, why);
        return new ServerException(kind, message);
    }

    private static String path(ServerRequest req) {
        String p = req.path().path();
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    /** The key from {@code Authorization: Bearer} or else {@code X-API-Key}. */
    static Optional<String> presentedKey(ServerRequest req) {
        return presentedKey(req.headers().first(HeaderNames.AUTHORIZATION), req.headers().first(X_API_KEY));
    }

    /** The key from an {@code authorization} value ({@code Bearer <key>}) or else an {@code x-api-key} value, any protocol. */
    public static Optional<String> presentedKey(Optional<String> authorization, Optional<String> xApiKey) {
        if (authorization.isPresent()) {
            String a = authorization.get().strip();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                return Optional.of(a.substring(7).strip());
            }
            return Optional.empty();
        }
        return xApiKey.map(String::strip).filter(k -> !k.isEmpty());
    }

    static InetAddress client(ServerRequest req) {
        return client(req.remotePeer().address());
    }

    /** The client's IP address; for a socket that is not IP, 0.0.0.0 (in no allowlist but 0.0.0.0/0). */
    public static InetAddress client(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress();
        }
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A few hex digits of the presented key's SHA-256: correlates attempts in the audit trail, reveals nothing. */
    private static String digestPrefix(String key) {
        return HexFormat.of().formatHex(ApiKeys.sha256(key.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    }
}
