package dev.quantumliquid.server.security;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.config.Settings;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who may call what: API keys, the networks management routes answer, the rate limit, TLS, the
 * keys model signatures must verify against, and how often key and certificate files are re-read.
 *
 * @param apiKeysFile QLNN_API_KEYS_FILE (empty: no route asks for a key)
 * @param metricsAuth QLNN_METRICS_AUTH (empty: /metrics is open)
 * @param adminAllowCidrs QLNN_ADMIN_ALLOW_CIDRS
 * @param rateLimitRps QLNN_RATE_LIMIT_RPS (0: none)
 * @param secretsPoll QLNN_SECRETS_POLL_S
 * @param tls QLNN_TLS_CERT, QLNN_TLS_KEY, QLNN_TLS_CLIENT_CA
 * @param trustedKeys QLNN_TRUSTED_KEYS (empty: signatures are not required)
 */
public record SecuritySettings(Optional<Path> apiKeysFile, Optional<Role> metricsAuth, List<Cidr> adminAllowCidrs,
        double rateLimitRps, Duration secretsPoll, TlsSettings tls, Optional<Path> trustedKeys) {

    public SecuritySettings {
        adminAllowCidrs = List.copyOf(adminAllowCidrs);
    }

    public static final Setting<Optional<Path>> API_KEYS_FILE = Setting.named("QLNN_API_KEYS_FILE")
            .doc("API keys, one per line `<key-id> sha256:<64 hex digits> <role>` (`infer` or `admin`), `#` comments; when "
                    + "set, inference routes need an infer or admin key and management routes an admin key (see "
                    + "[docs/SECURITY.md](docs/SECURITY.md))").optionalPath();
    public static final Setting<Optional<Role>> METRICS_AUTH = Setting.named("QLNN_METRICS_AUTH").defaultsTo("none")
            .doc("`none`, `infer` or `admin`: the role `GET /metrics` needs")
            .parsedBy("one of none, infer, admin", SecuritySettings::role, r -> r.map(Role::label).orElse("none"));
    public static final Setting<List<Cidr>> ADMIN_ALLOW_CIDRS = Setting.named("QLNN_ADMIN_ALLOW_CIDRS")
            .defaultsTo("127.0.0.0/8,::1/128")
            .doc("IPv4/IPv6 networks from which management routes (`/v2/repository/...`) are answered; others get 403 even "
                    + "with an admin key")
            .parsedBy("comma-separated IPv4/IPv6 CIDRs", Cidr::parseList,
                    l -> l.stream().map(Cidr::toString).collect(Collectors.joining(",")));
    public static final Setting<Double> RATE_LIMIT_RPS = Setting.named("QLNN_RATE_LIMIT_RPS").defaultsTo("0")
            .doc("requests per second per API key (per client address without keys); 429 beyond; 0 disables").decimal(0.0, 1e9);
    public static final Setting<Duration> SECRETS_POLL = Setting.named("QLNN_SECRETS_POLL_S").defaultsTo("10")
            .doc("seconds between checks of the key and certificate files; changed files are reloaded without restart")
            .seconds(0.05);
    public static final Setting<Optional<Path>> TRUSTED_KEYS = Setting.named("QLNN_TRUSTED_KEYS")
            .doc("folder of Ed25519 `*.pub` keys (`qlnn keygen --signing`); when set, only versions with a `signature.json` by "
                    + "one of them load").optionalPath();

    public static final List<Setting<?>> SETTINGS = Settings.concat(
            List.of(API_KEYS_FILE, METRICS_AUTH, ADMIN_ALLOW_CIDRS, RATE_LIMIT_RPS), TlsSettings.SETTINGS,
            List.of(SECRETS_POLL, TRUSTED_KEYS));

    /** Reads the settings; a metrics role without a keys file (no key could pass) is refused. */
    public static SecuritySettings load(PropertySource source) {
        SecuritySettings s = new SecuritySettings(API_KEYS_FILE.read(source), METRICS_AUTH.read(source),
                ADMIN_ALLOW_CIDRS.read(source), RATE_LIMIT_RPS.read(source), SECRETS_POLL.read(source), TlsSettings.load(source),
                TRUSTED_KEYS.read(source));
        if (s.metricsAuth.isPresent() && s.apiKeysFile.isEmpty()) {
            throw new ServerException(Kind.CONFIG, METRICS_AUTH.name() + ": '" + s.metricsAuth.get().label() + "' needs "
                    + API_KEYS_FILE.name() + " (no key could pass)");
        }
        return s;
    }

    private static Optional<Role> role(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        if (t.equals("none")) {
            return Optional.empty();
        }
        return Optional.of(Role.parse(t).orElseThrow(IllegalArgumentException::new));
    }
}
