package dev.quantumliquid.server;

import dev.quantumliquid.server.app.QlnnServer;
import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.repository.PowerEstimator;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.FaultyLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A server process for {@link ProcessTest}: settings from the environment, the test loaders (the
 * model "slow" holds a request whose feature 0 is above 5 until the file named by
 * {@value #RELEASE_FILE} exists), and the same signal handling as {@code qlnn serve}.
 */
public final class ProcessMain {
    /** The environment variable naming the file whose creation releases held requests. */
    static final String RELEASE_FILE = "QLNN_TEST_RELEASE_FILE";

    private ProcessMain() {
    }

    public static void main(String[] args) {
        CountDownLatch release = new CountDownLatch(1);
        String file = System.getenv(RELEASE_FILE);
        if (file != null) {
            Thread.ofPlatform().daemon(true).start(() -> {
                Await.until("the test creates " + file, Duration.ofMinutes(10), () -> Files.exists(Path.of(file)));
                release.countDown();
            });
        }
        QlnnServer server = QlnnServer.start(ServerConfig.fromEnvironment(System.getenv()),
                TestLoaders.withFault("slow", FaultyLayer.held(5, new CountDownLatch(1), release)), PowerEstimator.unknown());
        server.serveUntilSignalled();
        System.exit(0);
    }
}
