package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's Prometheus on loopback, with the shipped prometheus.yml (without Kubernetes discovery, the
 * static job pointed at the given target, 1 s intervals) and the shipped alert rules with every `for`
 * shortened to 2 s so that a test sees alerts fire in seconds instead of minutes.
 */
final class LocalPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalPrometheus(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    @SuppressWarnings("unchecked")
    static LocalPrometheus start(Path dir, String staticTarget) throws IOException, InterruptedException {
        Path binary = Tools.require("prometheus");
        Path monitoring = Tools.deploy().resolve("monitoring");
        Map<String, Object> config = Promtool.readYaml(monitoring.resolve("prometheus.yml"));
        config.put("global", Map.of("scrape_interval", "1s", "scrape_timeout", "1s", "evaluation_interval", "1s"));
        config.remove("alerting");
        List<Map<String, Object>> jobs = MonitoringTest.scrapeConfigs(config).stream()
                .filter(j -> !j.containsKey("kubernetes_sd_configs")).toList();
        assertThat(jobs).anySatisfy(j -> assertThat(j.get("job_name")).isEqualTo("quantum-liquid-static"));
        for (Map<String, Object> job : jobs) {
            for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
                sc.put("targets", List.of(staticTarget));
            }
        }
        config.put("scrape_configs", jobs);
        Promtool.YAML.writeValue(dir.resolve("prometheus.yml").toFile(), config);
        String rules = Tools.readString(monitoring.resolve("alert-rules.yml"));
        Files.writeString(dir.resolve("alert-rules.yml"), rules.replaceAll("(?m)^(\\s+for:) \\S+$", "$1 2s"));
        int port = freePort();
        Process p = new ProcessBuilder(binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        LocalPrometheus prometheus = new LocalPrometheus(p, port);
        prometheus.awaitReady(dir);
        return prometheus;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("prometheus exited: " + Tools.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("prometheus not ready within 30 s: " + Tools.readString(dir.resolve("prometheus.log")));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The result vector of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("query %s: %s", promql, r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("data").path("result");
    }

    /** Polls a query until its result satisfies the condition, failing after the timeout. */
    JsonNode await(String promql, Predicate<JsonNode> condition, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = query(promql);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(500);
        }
        return fail("after %s, %s gave %s", timeout, promql, last);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
