package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability under faults: two replicas (the real jar, {@code qlnn serve}) behind a real haproxy
 * configured as docs/DEPLOYMENT.md recommends (deploy/haproxy/haproxy.cfg), with a bounded load
 * generator running throughout each scenario. Each scenario counts every request and prints one
 * line {@code RELIABILITY <scenario> ...} with its figures (docs/SECURITY.md and docs/RUNBOOK.md
 * quote them). Loopback only; each scenario takes well under a minute.
 */
class ReliabilityTest {
    private static final Duration DEADLINE = Duration.ofSeconds(40);

    @TempDir
    Path tmp;
    private Path jar;
    private Path repo;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws IOException {
        jar = Tools.repo().resolve("cli/target/qlnn.jar");
        assertThat(jar).as("the runnable jar (built by the cli module before this one)").isRegularFile();
        repo = Files.createDirectories(tmp.resolve("models"));
        copyDemo(repo.resolve("demo").resolve("1"));
        Files.writeString(tmp.resolve("state-key"), "a state key shared by both replicas, 48 chars long\n");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void copyDemo(Path to) throws IOException {
        Files.createDirectories(to);
        Path from = Tools.repo().resolve("models/quantum-liquid-demo/1");
        for (String f : List.of("model.json", "weights.safetensors", "calibration.safetensors")) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One replica: {@code java -jar qlnn.jar serve} as the image's entrypoint runs it, its log in tmp. */
    private Process replica(int port, Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--model-repository", repo.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("replica-" + port + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("QLNN_STATE_KEY_FILE", tmp.resolve("state-key").toString());
        env.put("QLNN_POLL_INTERVAL_S", "0.5");
        env.put("QLNN_DRAIN_S", "2");
        env.put("QLNN_AUDIT_LOG", "off");
        env.put("QLNN_GRPC_PORT", "0");
        env.put("LOG_LEVEL", "WARN");
        env.put("QLNN_WORKERS", "1");
        env.putAll(extra);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Process haproxy(int front, int r1, int r2) throws IOException {
        Path haproxy = Tools.require("haproxy");
        Path cfg = Tools.deploy().resolve("haproxy/haproxy.cfg");
        ProcessBuilder pb = new ProcessBuilder(haproxy.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("haproxy.log").toFile());
        pb.environment().put("QLNN_LB_BIND", "127.0.0.1:" + front);
        pb.environment().put("QLNN_REPLICA_1", "127.0.0.1:" + r1);
        pb.environment().put("QLNN_REPLICA_2", "127.0.0.1:" + r2);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private int status(int port, String path) {
        return status(http, port, path);
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Two ready replicas and haproxy with both servers up; returns {front, replica1, replica2} ports. */
    private int[] cluster(Map<String, String> extra) throws Exception {
        int r1 = freePort();
        int r2 = freePort();
        int front = freePort();
        replica(r1, extra);
        replica(r2, extra);
        Await.until("both replicas are ready", DEADLINE, () -> status(r1, "/ready") == 200 && status(r2, "/ready") == 200);
        haproxy(front, r1, r2);
        Await.until("haproxy forwards", DEADLINE, () -> status(front, "/ready") == 200);
        return new int[] {front, r1, r2};
    }

    /** Clients sending small inference requests through haproxy until stopped; every outcome counted. */
    private final class Load implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final List<Thread> clients = new ArrayList<>();

        Load(int port, int clientCount) {
            String body = "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,4,1],\"data\":[0.1,0.2,0.3,0.4]}]}";
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/demo/infer"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            for (int i = 0; i < clientCount; i++) {
                clients.add(Thread.ofPlatform().daemon().start(() -> {
                    while (run.get()) {
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                                String v = r.body().replaceAll("(?s).*\"model_version\":\"(\\d+)\".*", "$1");
                                versions.computeIfAbsent(v, k -> new AtomicLong()).incrementAndGet();
                            } else {
                                fail("HTTP " + r.statusCode() + " " + r.body());
                            }
                        } catch (IOException e) {
                            fail(e.getClass().getSimpleName() + ": " + e.getMessage());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
        }

        private void fail(String why) {
            failed.incrementAndGet();
            failures.computeIfAbsent(why.length() > 120 ? why.substring(0, 120) : why, k -> new AtomicLong()).incrementAndGet();
        }

        long total() {
            return ok.get() + failed.get();
        }

        /** Waits until {@code n} more requests have completed (the load is flowing). */
        void awaitMore(long n) throws InterruptedException {
            long target = total() + n;
            Await.until(n + " more requests", DEADLINE, () -> total() >= target);
        }

        @Override
        public void close() throws InterruptedException {
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }

        String figures() {
            return "ok=" + ok.get() + " failed=" + failed.get() + " versions=" + versions + " failures=" + failures;
        }
    }

    @Test
    void sigtermOfOneReplicaUnderLoadLosesNothing() throws Exception {
        int[] c = cluster(Map.of());
        Process r1 = processes.get(0);
        try (Load load = new Load(c[0], 4)) {
            load.awaitMore(200);
            assertThat(r1.toHandle().destroy()).isTrue(); // SIGTERM
            assertThat(r1.waitFor(30, TimeUnit.SECONDS)).as("the replica drains and exits").isTrue();
            assertThat(r1.exitValue()).isZero();
            load.awaitMore(200);
            load.close();
            System.out.println("RELIABILITY sigterm " + load.figures());
            assertThat(load.failed.get()).as(load.figures()).isZero();
        }
    }

    @Test
    void kill9OfOneReplicaUnderLoadLosesOnlyWhatHaproxyCannotRetry() throws Exception {
        int[] c = cluster(Map.of());
        Process r1 = processes.get(0);
        try (Load load = new Load(c[0], 4)) {
            load.awaitMore(200);
            r1.destroyForcibly(); // SIGKILL
            r1.waitFor(10, TimeUnit.SECONDS);
            load.awaitMore(300);
            load.close();
            System.out.println("RELIABILITY kill9 " + load.figures());
            // haproxy retries a request whose connection failed or that got no answer (the body is buffered);
            // what it cannot retry is an answer cut in the middle, which these small answers never are
            assertThat(load.failed.get()).as(load.figures()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void aNewVersionAndADeletedVersionUnderLoadLoseNothing() throws Exception {
        int[] c = cluster(Map.of());
        try (Load load = new Load(c[0], 4)) {
            load.awaitMore(200);
            Path staged = tmp.resolve("staged-2");
            copyDemo(staged);
            Files.move(staged, repo.resolve("demo").resolve("2")); // one rename: never half a folder
            Await.until("both replicas serve version 2", DEADLINE, () -> load.versions.getOrDefault("2", new AtomicLong()).get() > 200);
            try (Stream<Path> s = Files.walk(repo.resolve("demo").resolve("2"))) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            long v1 = load.versions.getOrDefault("1", new AtomicLong()).get();
            Await.until("version 1 serves again", DEADLINE, () -> load.versions.getOrDefault("1", new AtomicLong()).get() > v1 + 200);
            load.close();
            System.out.println("RELIABILITY reload " + load.figures());
            assertThat(load.failed.get()).as(load.figures()).isZero();
        }
    }

    /**
     * 64 clients sending 2 MiB bodies as fast as they can straight at one replica: most are refused
     * before their body is read, and every probe is answered (each within its 5 s timeout; the
     * percentiles are printed for docs/RUNBOOK.md: the 100 ms goal for p99 depends on the machine
     * having a core to spare beside the load generator, which a shared CI machine does not promise).
     */
    @Test
    void overloadDoesNotStarveProbes() throws Exception {
        int port = freePort();
        replica(port, Map.of("QLNN_MAX_CONCURRENT_REQUESTS", "8", "QLNN_MAX_BODY_BYTES_IN_FLIGHT", "16777216"));
        Await.until("the replica is ready", DEADLINE, () -> status(port, "/ready") == 200);
        byte[] big = bigBody(2 << 20);
        AtomicBoolean run = new AtomicBoolean(true);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            clients.add(Thread.ofPlatform().daemon().start(() -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/demo/infer"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
                while (run.get()) {
                    int st;
                    try {
                        st = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        st = -1;
                    } catch (InterruptedException e) {
                        return;
                    }
                    statuses.computeIfAbsent(st, k -> new AtomicLong()).incrementAndGet();
                }
            }));
        }
        long[] probeNanos = new long[300];
        // the probes' own client: the load's client multiplexes every upload on one selector thread
        HttpClient probes = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            Await.until("the load is running", DEADLINE, () -> statuses.values().stream().mapToLong(AtomicLong::get).sum() > 50);
            for (int i = 0; i < probeNanos.length; i++) {
                long t0 = System.nanoTime();
                assertThat(status(probes, port, i % 2 == 0 ? "/ready" : "/v2/health/ready")).isEqualTo(200);
                probeNanos[i] = System.nanoTime() - t0;
            }
        } finally {
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        Arrays.sort(probeNanos);
        double p50 = probeNanos[probeNanos.length / 2] / 1e6;
        double p99 = probeNanos[(int) (probeNanos.length * 0.99)] / 1e6;
        System.out.printf("RELIABILITY overload probes p50=%.1fms p99=%.1fms max=%.1fms statuses=%s%n", p50, p99,
                probeNanos[probeNanos.length - 1] / 1e6, statuses);
        assertThat(statuses).containsKey(503);
        assertThat(probeNanos[probeNanos.length - 1] / 1e9).as("slowest probe in s").isLessThan(5);
    }

    /** A valid OIP body of about {@code bytes}: the demo takes one feature, so many steps of it (refused by the step limit). */
    private static byte[] bigBody(int bytes) {
        int steps = bytes / 4;
        StringBuilder b = new StringBuilder(bytes + 200);
        b.append("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,").append(steps).append(",1],\"data\":[");
        for (int i = 0; i < steps; i++) {
            b.append(i == 0 ? "0.1" : ",0.1");
        }
        b.append("]}]}");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * 300 keep-alive connections that go idle after one request and 50 that stall mid-headers, against a
     * replica capped at 100 connections: the process never runs out of descriptors, stalled ones are
     * closed after QLNN_READ_TIMEOUT_S, idle ones after QLNN_IDLE_TIMEOUT_S (those beyond the cap wait
     * in the accept backlog meanwhile), and probes answer again once they are gone.
     */
    @Test
    void slowAndIdleClientsAndTheConnectionCap() throws Exception {
        int port = freePort();
        Process p = replica(port, Map.of("QLNN_MAX_CONNECTIONS", "100", "QLNN_READ_TIMEOUT_S", "2", "QLNN_IDLE_TIMEOUT_S", "3"));
        Await.until("the replica is ready", DEADLINE, () -> status(port, "/ready") == 200);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 350; i++) {
                Socket s = new Socket("127.0.0.1", port);
                OutputStream o = s.getOutputStream();
                o.write((i < 300 ? "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /ready HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                        .getBytes(StandardCharsets.US_ASCII));
                o.flush();
                held.add(s);
            }
            long t0 = System.nanoTime();
            int closedByServer = 0;
            for (Socket s : held) {
                s.setSoTimeout(30_000);
                try (InputStream in = s.getInputStream()) {
                    in.readAllBytes(); // the answer (if any), then the server's close
                    closedByServer++;
                } catch (java.net.SocketTimeoutException e) {
                    // still open after 30 s: counted as not closed
                } catch (IOException e) {
                    closedByServer++; // reset by the server
                }
            }
            double waited = (System.nanoTime() - t0) / 1e9;
            System.out.printf("RELIABILITY connections cap=100 held=350 closed_by_server=%d all_closed_after=%.1fs alive=%s%n",
                    closedByServer, waited, p.isAlive());
            assertThat(p.isAlive()).isTrue();
            assertThat(closedByServer).isEqualTo(held.size());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        assertThat(status(port, "/ready")).isEqualTo(200);
        assertThat(Files.readString(tmp.resolve("replica-" + port + ".log"))).doesNotContain("Too many open files");
    }
}
