package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process: SIGTERM turns readiness 503 at once, refuses new sequences, lets the
 * request in flight finish and exits 0; and the process writes nothing into its read-only model
 * repository or working directory (only java.io.tmpdir may be written).
 */
class ProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Response send(int port, String method, String path, String body) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json").method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every file and folder under the roots with size and modification time. */
    private static Map<String, String> snapshot(Path... roots) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.toList()) {
                    m.put(p.toString(), Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return m;
    }

    /** Collects a server process's output lines and completes {@code port} with the port it listens on. */
    static Thread readLog(Process p, List<String> out, CompletableFuture<Integer> port) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    out.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("server exited before listening: " + out));
        });
    }

    @Test
    void sigtermDrainsFinishesInFlightWorkExitsZeroAndNothingIsWrittenOutsideTmp() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("models"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        TestModels.dense(repo, "dense", 1, 0f);
        TestModels.dense(repo, "slow", 1, 0f);
        TestLoaders.writeLeaky(repo, "leaky", 1);
        try (Stream<Path> s = Files.walk(repo)) { // read-only as under readOnlyRootFilesystem (root ignores it: hence the snapshot)
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("r-xr-xr-x"));
        Map<String, String> before = snapshot(repo, work);

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), ProcessMain.class.getName())
                .directory(work.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("QLNN_HOST", "127.0.0.1");
        env.put("QLNN_PORT", "0");
        env.put("QLNN_GRPC_PORT", "0");
        env.put("QLNN_MODEL_REPOSITORY", repo.toString());
        env.put("QLNN_DRAIN_S", "3");
        env.put("QLNN_POLL_INTERVAL_S", "0.2");
        env.put("QLNN_WORKERS", "2");
        env.put("QLNN_CACHE_SIZE", "0");
        env.put("LOG_LEVEL", "INFO");
        Path releaseFile = dir.resolve("release");
        env.put(ProcessMain.RELEASE_FILE, releaseFile.toString());
        Process p = pb.start();
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = readLog(p, out, port);
        try {
            int port0 = port.get(60, TimeUnit.SECONDS);
            assertThat(send(port0, "GET", "/ready", null).status()).isEqualTo(200);
            assertThat(send(port0, "POST", "/v2/repository/models/dense/load", "").status()).isEqualTo(200);
            assertThat(send(port0, "POST", "/inference", "{\"model\":\"dense\",\"input\":[1,2,3]}").status()).isEqualTo(200);

            String slow = Bodies.infer(Bodies.triggering(1, 5, 3, 0f)).toString(); // held until releaseFile exists
            CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> send(port0, "POST",
                    "/v2/models/slow/infer", slow));
            Await.until("the slow request is running", () -> send(port0, "GET", "/metrics", null).body()
                    .contains("quantum_liquid_inflight_requests 1.0"));
            long signalled = System.nanoTime();
            assertThat(p.toHandle().destroy()).isTrue(); // SIGTERM (Process.destroy would also close our end of its stdout)
            Response ready = send(port0, "GET", "/ready", null);
            while (ready.status() == 200) {
                assertThat(System.nanoTime() - signalled).as("readiness turns 503 at once").isLessThan(TimeUnit.SECONDS.toNanos(1));
                Thread.sleep(5);
                ready = send(port0, "GET", "/ready", null);
            }
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("error").asText()).contains("draining");
            Response session = send(port0, "POST", "/v2/models/leaky/infer", "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\","
                    + "\"shape\":[3],\"data\":[1,2,3]}],\"parameters\":{\"sequence_id\":\"s1\",\"sequence_start\":true}}");
            assertThat(session.status()).as(session.body()).isEqualTo(503);
            assertThat(session.json().get("error").asText()).contains("no new sequence");
            assertThat(send(port0, "POST", "/inference", "{\"model\":\"dense\",\"input\":[1,2,3]}").status())
                    .as("still answering while draining").isEqualTo(200);

            assertThat(inFlight.isDone()).as("still held").isFalse();
            Files.createFile(releaseFile);
            Response finished = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(finished.status()).as(finished.body()).isEqualTo(200);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits after QLNN_DRAIN_S").isTrue();
            assertThat(p.exitValue()).as(String.join("\n", out)).isZero();
            assertThat((System.nanoTime() - signalled) / 1e9).isBetween(2.5, 15.0);
        } finally {
            p.destroyForcibly();
            reader.join(5000);
        }
        String log = String.join("\n", out);
        assertThat(log).contains("\"event\":\"lifecycle\",\"step\":\"draining\"").contains("\"step\":\"stopped\"");
        assertThat(snapshot(repo, work)).as("nothing written to the repository or the working directory").isEqualTo(before);
    }
}
