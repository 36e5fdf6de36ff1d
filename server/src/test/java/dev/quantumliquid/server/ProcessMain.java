package dev.quantumliquid.server;

import dev.quantumliquid.server.app.QlnnServer;
import dev.quantumliquid.server.config.Config;
import dev.quantumliquid.server.repository.PowerEstimator;

/**
 * A server process for {@link ProcessTest}: settings from the environment, the test models' loader
 * (for the slow stand-in), and the same signal handling as {@code qlnn serve}.
 */
public final class ProcessMain {
    private ProcessMain() {
    }

    public static void main(String[] args) {
        QlnnServer server = QlnnServer.start(Config.fromEnvironment(System.getenv()), TestModels.LOADER, PowerEstimator.unknown());
        server.serveUntilSignalled();
        System.exit(0);
    }
}
