package dev.quantumliquid.server.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process (exit code {@value #EXIT_CODE}) when the listener has stopped accepting while the
 * server is meant to serve: the web server ends a listener for good when accepting fails (for
 * example at the file-descriptor limit) and the process would otherwise stay up, answering nothing,
 * while its supervisor sees it running. Checked by connecting to the port; only a refused connection
 * counts (a slow or full backlog does not), three times in a row.
 */
public final class ListenerWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerWatchdog.class);
    /** EX_SOFTWARE: the supervisor restarts the process. */
    public static final int EXIT_CODE = 70;
    private static final int REFUSALS = 3;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qlnn-listener-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final InetSocketAddress address;
    private final IntConsumer exit;
    private int refused;
    private volatile boolean stopping;

    ListenerWatchdog(String host, int port, Duration every, IntConsumer exit) {
        this.address = new InetSocketAddress(host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host, port);
        this.exit = exit;
        long ms = Math.max(10, every.toMillis());
        timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (stopping) {
            return;
        }
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            refused = 0;
        } catch (ConnectException e) {
            if (++refused >= REFUSALS && !stopping) {
                LOG.error("the listener on {} stopped accepting connections (it ends for good when accepting fails, e.g. "
                        + "at the file-descriptor limit); exiting with {} so the supervisor restarts the process", address,
                        EXIT_CODE);
                exit.accept(EXIT_CODE);
            }
        } catch (IOException | RuntimeException e) {
            // out of descriptors ourselves, or a timeout under load: not proof that the listener is gone
        }
    }

    /** The server is stopping on purpose: its listener closing is expected. */
    @Override
    public void close() {
        stopping = true;
        timer.shutdownNow();
    }
}
