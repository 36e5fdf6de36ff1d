package dev.quantumliquid.server.store;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.error.ServerException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach S3-compatible stores: the endpoint ({@code QLNN_S3_ENDPOINT}, else the SDK's
 * {@code AWS_ENDPOINT_URL}; none means AWS S3 itself) and path-style addressing
 * ({@code QLNN_S3_PATH_STYLE}: true, false or auto, auto meaning on when the endpoint's host is an IP
 * address or localhost, where bucket subdomains cannot resolve). Region and credentials come from the
 * SDK's default chains (environment, profile, web identity).
 */
public record S3Settings(Optional<URI> endpoint, boolean pathStyle) {
    public static final String ENDPOINT = "QLNN_S3_ENDPOINT";
    public static final String PATH_STYLE = "QLNN_S3_PATH_STYLE";
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public static final Setting<Optional<URI>> ENDPOINT_SETTING = Setting.named(ENDPOINT).fallingBackTo("AWS_ENDPOINT_URL")
            .defaultsTo("AWS_ENDPOINT_URL", () -> "")
            .doc("endpoint of an S3-compatible store (MinIO, Ceph, S3Proxy); unset is AWS S3. Region and credentials: the AWS "
                    + "SDK's default chain")
            .parsedBy("an http:// or https:// URL with a host", S3Settings::endpoint, u -> u.map(URI::toString).orElse(""));
    public static final Setting<String> PATH_STYLE_SETTING = Setting.named(PATH_STYLE).defaultsTo("auto")
            .doc("true, false or auto (on when the endpoint is an IP address or localhost)").choice("true", "false", "auto");

    public static final List<Setting<?>> SETTINGS = List.of(ENDPOINT_SETTING, PATH_STYLE_SETTING);

    /** Reads the settings; a bad value is a configuration error of one line naming it. */
    public static S3Settings load(PropertySource source) {
        Optional<URI> endpoint = ENDPOINT_SETTING.read(source);
        boolean pathStyle = switch (PATH_STYLE_SETTING.read(source)) {
            case "true" -> true;
            case "false" -> false;
            default -> endpoint.map(u -> isLocalOrAddress(u.getHost())).orElse(false);
        };
        return new S3Settings(endpoint, pathStyle);
    }

    /** As {@link #load} from environment variables, refusing a bad value as a {@link StoreException} (the CLI's transfers). */
    public static S3Settings fromEnvironment(Map<String, String> env) {
        try {
            return load(PropertySource.of(env));
        } catch (ServerException e) {
            throw new StoreException(e.getMessage());
        }
    }

    private static Optional<URI> endpoint(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI u = new URI(text);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("", e);
        }
    }

    static boolean isLocalOrAddress(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        return h.contains(":") || IPV4.matcher(h).matches(); // a bracketed or bare IPv6 literal, or IPv4
    }
}
