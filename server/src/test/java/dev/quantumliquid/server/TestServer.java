package dev.quantumliquid.server;

import dev.quantumliquid.server.app.QlnnServer;
import dev.quantumliquid.server.app.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.server.repository.ModelLoader;
import dev.quantumliquid.server.repository.PowerEstimator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real server on 127.0.0.1 and an ephemeral port, with an HTTP client speaking to it. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    final QlnnServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(QlnnServer server) {
        this.server = server;
    }

    /** Test settings: loopback, free port, quiet log, no drain, no polling; {@code overrides} on top. */
    static ServerConfig config(Path repo, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("QLNN_HOST", "127.0.0.1");
        env.put("QLNN_PORT", "0");
        env.put("QLNN_GRPC_PORT", "0"); // off unless a test turns it on (-1: a free port)
        env.put("LOG_LEVEL", "ERROR");
        env.put("QLNN_DRAIN_S", "0");
        env.put("QLNN_POLL_INTERVAL_S", "0");
        env.put("QLNN_WORKERS", "2");
        env.put("QLNN_MODEL_REPOSITORY", repo.toString());
        env.put("QLNN_AUDIT_LOG", "off");
        env.putAll(overrides);
        return ServerConfig.fromEnvironment(env);
    }

    static TestServer start(Path repo, Map<String, String> overrides) {
        return start(config(repo, overrides), PowerEstimator.unknown());
    }

    static TestServer start(ServerConfig config, PowerEstimator power) {
        ModelLoader loader = TestLoaders.LOADER;
        return new TestServer(QlnnServer.start(config, loader, power));
    }

    /** A server whose versions load through {@code loader} (a fault wrapper around the real one). */
    static TestServer start(ServerConfig config, ModelLoader loader) {
        return start(config, loader, PowerEstimator.unknown());
    }

    static TestServer start(ServerConfig config, ModelLoader loader, PowerEstimator power) {
        return new TestServer(QlnnServer.start(config, loader, power));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Response post(String path, String body) {
        return post(path, body, "application/json");
    }

    Response post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response post(String path, JsonNode body) {
        return post(path, body.toString());
    }

    /** GET with extra headers, given as name, value, name, value... */
    Response getWith(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** POST of a JSON body with extra headers, given as name, value, name, value... */
    Response postWith(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** POST of raw bytes with headers given as name, value, ...; nothing else is set (no Content-Type). */
    Response postBytes(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    Response send(HttpRequest req) {
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
