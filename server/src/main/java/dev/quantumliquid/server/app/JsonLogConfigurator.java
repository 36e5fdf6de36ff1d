package dev.quantumliquid.server.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.quantumliquid.server.audit.Audit;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The log set-up, found by Logback through its service loader: one JSON object per line on stdout
 * (logstash-logback-encoder), root at INFO, the audit logger at INFO on the same appender without
 * additivity. LOG_LEVEL and QLNN_AUDIT_LOG then set the levels at start ({@code Logging}). Nothing
 * is written to files: the root filesystem may be read-only.
 *
 * <p>Code rather than a logback.xml: reading XML costs Logback an XML parser and its configuration
 * model, a tenth of the server's start-up. {@code -Dlogback.configurationFile=...} still takes over.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName("JSON");
        json.setEncoder(encoder);
        json.start();
        Logger audit = context.getLogger(Audit.LOGGER);
        audit.setLevel(Level.INFO);
        audit.setAdditive(false);
        audit.addAppender(json);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(json);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
