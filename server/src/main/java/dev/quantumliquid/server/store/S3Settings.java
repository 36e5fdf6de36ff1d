package dev.quantumliquid.server.store;

import java.net.URI;
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

    /** Reads the settings from environment variables; a bad value is refused with one line naming it. */
    public static S3Settings fromEnvironment(Map<String, String> env) {
        String raw = firstSet(env, ENDPOINT, "AWS_ENDPOINT_URL");
        Optional<URI> endpoint = Optional.empty();
        if (!raw.isEmpty()) {
            String name = env.getOrDefault(ENDPOINT, "").isBlank() ? "AWS_ENDPOINT_URL" : ENDPOINT;
            try {
                URI u = new URI(raw);
                if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                    throw new StoreException(name + ": must be an http:// or https:// URL with a host, got '" + abbreviate(raw) + "'");
                }
                endpoint = Optional.of(u);
            } catch (java.net.URISyntaxException e) {
                throw new StoreException(name + ": must be an http:// or https:// URL with a host, got '" + abbreviate(raw) + "'");
            }
        }
        String style = env.getOrDefault(PATH_STYLE, "").strip().toLowerCase(Locale.ROOT);
        boolean pathStyle = switch (style) {
            case "true" -> true;
            case "false" -> false;
            case "", "auto" -> endpoint.map(u -> isLocalOrAddress(u.getHost())).orElse(false);
            default -> throw new StoreException(PATH_STYLE + ": must be one of true, false, auto, got '" + abbreviate(style) + "'");
        };
        return new S3Settings(endpoint, pathStyle);
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return "";
    }

    static boolean isLocalOrAddress(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        return h.contains(":") || IPV4.matcher(h).matches(); // a bracketed or bare IPv6 literal, or IPv4
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
