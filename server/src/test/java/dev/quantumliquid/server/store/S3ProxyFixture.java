package dev.quantumliquid.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy's runnable jar (copied to target/s3proxy by the
 * build) started with {@code java -jar} on a free loopback port, storing buckets in a folder, with
 * AWS signature checks on (identity and secret as the surefire configuration gives the SDK). It can
 * be stopped and started again on the same port and folder, to take the store away and bring it back.
 */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String IDENTITY = "qlnn-test";
    public static final String SECRET = "qlnn-test-secret";
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private Process process;

    private S3ProxyFixture(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts S3Proxy with its data under {@code dir} (a fresh folder). */
    public static S3ProxyFixture start(Path dir) {
        S3ProxyFixture f = new S3ProxyFixture(dir, freePort());
        f.startAgain();
        return f;
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("qlnn.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the build copies S3Proxy there "
                    + "(maven-dependency-plugin, phase process-test-resources); run the tests through Maven");
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** (Re)starts the server on the same port and data folder; returns once it accepts connections. */
    public void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Path data = Files.createDirectories(dir.resolve("data"));
            Path props = dir.resolve("s3proxy.properties");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + SECRET,
                    "jclouds.provider=filesystem",
                    "jclouds.identity=" + IDENTITY,
                    "jclouds.credential=" + SECRET,
                    "jclouds.filesystem.basedir=" + data.toAbsolutePath(), ""));
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toAbsolutePath().toString(),
                    "--properties", props.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plus(START_DEADLINE);
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + "; see " + dir.resolve("s3proxy.log"));
            }
            if (Instant.now().isAfter(deadline)) {
                stop();
                throw new IllegalStateException("S3Proxy did not listen within " + START_DEADLINE + "; see " + dir.resolve("s3proxy.log"));
            }
            try {
                Thread.sleep(50); // waiting for a condition with a deadline, not deciding an outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server (the store becomes unreachable); {@link #startAgain} brings it back with its data. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Settings that reach this server (path-style, as for any IP-address endpoint). */
    public S3Settings settings() {
        return S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, endpoint().toString()));
    }

    /** Environment for a child process (qlnn, a server) that talks to this S3Proxy. */
    public Map<String, String> environment() {
        return Map.of(S3Settings.ENDPOINT, endpoint().toString(), "AWS_ACCESS_KEY_ID", IDENTITY,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1");
    }

    /**
     * Test settings of a server on {@code repository} (an s3:// location on this S3Proxy) with its
     * cache in {@code cache}: loopback, free port, no gRPC, quiet, no drain, no pruning; {@code more} on top.
     */
    public dev.quantumliquid.server.config.Config serverConfig(String repository, Path cache, Duration poll, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QLNN_HOST", "127.0.0.1");
        env.put("QLNN_PORT", "0");
        env.put("QLNN_GRPC_PORT", "0"); // no gRPC listener: these tests speak HTTP
        env.put("LOG_LEVEL", "ERROR");
        env.put("QLNN_AUDIT_LOG", "off");
        env.put("QLNN_DRAIN_S", "0");
        env.put("QLNN_WORKERS", "1");
        env.put("LIQUID_SPARSITY", "0");
        env.put("QLNN_POLL_INTERVAL_S", Double.toString(poll.toMillis() / 1000.0));
        env.put("QLNN_MODEL_REPOSITORY", repository);
        env.put("QLNN_MODEL_CACHE", cache.toString());
        env.put(S3Settings.ENDPOINT, endpoint().toString());
        env.putAll(more);
        return dev.quantumliquid.server.config.Config.fromEnvironment(env);
    }

    /** Creates a bucket and returns {@code s3://bucket}. */
    public String createBucket(String name) {
        try (S3Client c = S3Store.client(settings())) {
            c.createBucket(b -> b.bucket(name));
        }
        return "s3://" + name;
    }

    /** A store on {@code s3://bucket/prefix} of this server. */
    public Store open(String location) {
        return Stores.open("test", location, settings());
    }

    @Override
    public void close() {
        stop();
    }
}
