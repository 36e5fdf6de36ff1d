package dev.quantumliquid.server;

import dev.quantumliquid.server.app.ListenerWatchdog;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process under a file-descriptor limit of 1024. With QLNN_MAX_CONNECTIONS above the limit
 * (the fault), a flood of connections makes accepting fail, the web server ends its listener for
 * good, and the process must exit non-zero (so its supervisor restarts it) instead of staying up
 * deaf. (The cap below the limit keeping the listener alive is ReliabilityTest's connection scenario.)
 */
class ListenerDeathTest {
    @TempDir
    Path dir;

    private record Server(Process process, int port, List<String> log) {
    }

    private Server start(int maxConnections) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("models-" + maxConnections));
        TestModels.writeDense(repo, "dense", 1, 0f);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "ulimit -n 1024 && exec '" + java + "' --add-modules jdk.incubator.vector -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + ProcessMain.class.getName();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true);
        pb.environment().put("QLNN_HOST", "127.0.0.1");
        pb.environment().put("QLNN_PORT", "0");
        pb.environment().put("QLNN_MODEL_REPOSITORY", repo.toString());
        pb.environment().put("QLNN_POLL_INTERVAL_S", "0");
        pb.environment().put("QLNN_DRAIN_S", "0");
        pb.environment().put("QLNN_AUDIT_LOG", "off");
        pb.environment().put("QLNN_GRPC_PORT", "0");
        pb.environment().put("QLNN_MAX_CONNECTIONS", Integer.toString(maxConnections));
        Process p = pb.start();
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> port = new CompletableFuture<>();
        ProcessTest.readLog(p, out, port);
        return new Server(p, port.get(60, TimeUnit.SECONDS), out);
    }

    private static List<Socket> flood(int port, int n) {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                held.add(new Socket("127.0.0.1", port));
            } catch (IOException refused) {
                break; // the listener is gone
            }
        }
        return held;
    }

    private static void close(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void aListenerThatDiesEndsTheProcessNonZero() throws Exception {
        Server s = start(10_000);
        try {
            List<Socket> held = flood(s.port(), 1500);
            boolean exited = s.process().waitFor(60, TimeUnit.SECONDS);
            close(held);
            assertThat(exited).as("the process exits once its listener is dead").isTrue();
            assertThat(s.process().exitValue()).as(String.join("\n", s.log())).isEqualTo(ListenerWatchdog.EXIT_CODE);
            assertThat(String.join("\n", s.log())).contains("stopped accepting connections");
        } finally {
            s.process().destroyForcibly();
        }
    }
}
