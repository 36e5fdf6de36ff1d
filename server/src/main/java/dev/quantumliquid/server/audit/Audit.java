package dev.quantumliquid.server.audit;

import dev.quantumliquid.server.repository.LoadListener;
import java.util.LinkedHashMap;
import java.util.Map;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per security-relevant event on the logger named {@code audit}
 * (stdout, independent of LOG_LEVEL; QLNN_AUDIT_LOG=off silences it). Every line has {@code event};
 * callers pass identities (key id, client address) and outcomes, never keys or inputs: an input
 * appears only as its SHA-256.
 */
public final class Audit implements LoadListener {
    /** The logger's name, for log routing. */
    public static final String LOGGER = "audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** Start-up: every setting (secrets redacted by the caller) and what was loaded from secret files. */
    public void startup(Map<String, String> settings, Map<String, Object> facts) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("settings", settings);
        f.putAll(facts);
        log("startup", f);
    }

    /** A request refused by authentication or authorisation (401, 403, 429). */
    public void denied(String client, String keyId, String method, String path, int status, String reason) {
        log("access_denied", fields("client", client, "key_id", keyId, "method", method, "path", path, "status", status,
                "reason", reason));
    }

    /** A management call and how it ended. */
    public void management(String action, String model, String client, String keyId, String outcome) {
        log("management", fields("action", action, "model", model, "client", client, "key_id", keyId, "outcome", outcome));
    }

    /** Secret files re-read (rotation), or a re-read that failed and kept the previous contents. */
    public void secretsReloaded(String what, String outcome) {
        log("secrets_reloaded", fields("what", what, "outcome", outcome));
    }

    /** Shutdown steps: draining, stopped, and in-flight requests cut (if any). */
    public void lifecycle(String step, Map<String, Object> facts) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("step", step);
        f.putAll(facts);
        log("lifecycle", f);
    }

    @Override
    public void refused(String model, long version, String kind, String reason) {
        log("model_rejected", fields("model", model, "version", version, "kind", kind, "reason", reason));
    }

    @Override
    public void loaded(String model, long version) {
        log("model_loaded", fields("model", model, "version", version));
    }

    @Override
    public void dropped(String model, long version, String how) {
        log("model_" + how, version == 0 ? fields("model", model) : fields("model", model, "version", version));
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void log(String event, Map<String, Object> fields) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", event);
        f.putAll(fields);
        LOG.info("audit {}", event, StructuredArguments.entries(f));
    }
}
