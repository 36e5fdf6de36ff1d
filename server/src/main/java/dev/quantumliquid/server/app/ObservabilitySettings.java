package dev.quantumliquid.server.app;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the server tells about itself: the log level, the /metrics route and the audit trail.
 *
 * @param logLevel LOG_LEVEL, upper case
 * @param enableMetrics ENABLE_METRICS
 * @param auditLog QLNN_AUDIT_LOG: whether the audit trail is written
 */
public record ObservabilitySettings(String logLevel, boolean enableMetrics, boolean auditLog) {
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public static final Setting<String> LOG_LEVEL = Setting.named("LOG_LEVEL").defaultsTo("INFO").flag("--log-level")
            .doc("TRACE, DEBUG, INFO, WARN, ERROR or OFF; log lines are JSON objects on stdout")
            .parsedBy("one of TRACE, DEBUG, INFO, WARN, ERROR, OFF", t -> {
                String level = t.toUpperCase(Locale.ROOT);
                if (!LEVELS.contains(level)) {
                    throw new IllegalArgumentException();
                }
                return level;
            }, s -> s);
    public static final Setting<Boolean> ENABLE_METRICS = Setting.named("ENABLE_METRICS").defaultsTo("true")
            .doc("`false` removes `GET /metrics`").bool();
    public static final Setting<String> AUDIT_LOG = Setting.named("QLNN_AUDIT_LOG").defaultsTo("stdout")
            .doc("`stdout` or `off`: the audit trail, JSON lines on the logger named `audit`").choice("stdout", "off");

    public static final List<Setting<?>> SETTINGS = List.of(LOG_LEVEL, ENABLE_METRICS, AUDIT_LOG);

    public static ObservabilitySettings load(PropertySource source) {
        return new ObservabilitySettings(LOG_LEVEL.read(source), ENABLE_METRICS.read(source),
                AUDIT_LOG.read(source).equals("stdout"));
    }
}
