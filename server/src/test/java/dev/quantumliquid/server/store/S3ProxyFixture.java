package dev.quantumliquid.server.store;

import dev.quantumliquid.testkit.S3Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@link S3Proxy} with what the server's and the CLI's tests need of it beyond the process:
 * settings, buckets, stores and server configurations that reach it.
 */
public final class S3ProxyFixture implements AutoCloseable {
    private final S3Proxy proxy;

    private S3ProxyFixture(S3Proxy proxy) {
        this.proxy = proxy;
    }

    /** Starts S3Proxy with its data under {@code dir} (a fresh folder). */
    public static S3ProxyFixture start(Path dir) {
        return new S3ProxyFixture(S3Proxy.start(dir));
    }

    /** (Re)starts the server on the same port and data folder; returns once it accepts connections. */
    public void startAgain() {
        proxy.startAgain();
    }

    /** Stops the server (the store becomes unreachable); {@link #startAgain} brings it back with its data. */
    public void stop() {
        proxy.stop();
    }

    public URI endpoint() {
        return proxy.endpoint();
    }

    public int port() {
        return proxy.port();
    }

    /** Environment for a child process (qlnn, a server) that talks to this S3Proxy. */
    public Map<String, String> environment() {
        return proxy.environment();
    }

    /** Settings that reach this server (path-style, as for any IP-address endpoint). */
    public S3Settings settings() {
        return S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, endpoint().toString()));
    }

    /**
     * Test settings of a server on {@code repository} (an s3:// location on this S3Proxy) with its
     * cache in {@code cache}: loopback, free port, no gRPC, quiet, no drain, no pruning; {@code more} on top.
     */
    public dev.quantumliquid.server.app.ServerConfig serverConfig(String repository, Path cache, Duration poll, Map<String, String> more) {
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
        return dev.quantumliquid.server.app.ServerConfig.fromEnvironment(env);
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
        proxy.close();
    }
}
