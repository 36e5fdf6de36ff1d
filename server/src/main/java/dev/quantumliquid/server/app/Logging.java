package dev.quantumliquid.server.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.quantumliquid.server.audit.Audit;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Applies LOG_LEVEL and routes java.util.logging (Helidon's) into the same JSON log lines. */
final class Logging {
    private Logging() {
    }

    /** LOG_LEVEL for the root logger; the audit logger is on (INFO) or off by QLNN_AUDIT_LOG alone. */
    static void apply(String level, boolean audit) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
        if (LoggerFactory.getLogger(Audit.LOGGER) instanceof Logger a) {
            a.setLevel(audit ? Level.INFO : Level.OFF);
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        java.util.logging.Logger.getLogger("").setLevel(julLevel(level));
    }

    private static java.util.logging.Level julLevel(String level) {
        return switch (level) {
            case "TRACE" -> java.util.logging.Level.FINEST;
            case "DEBUG" -> java.util.logging.Level.FINE;
            case "WARN" -> java.util.logging.Level.WARNING;
            case "ERROR" -> java.util.logging.Level.SEVERE;
            case "OFF" -> java.util.logging.Level.OFF;
            default -> java.util.logging.Level.INFO;
        };
    }
}
