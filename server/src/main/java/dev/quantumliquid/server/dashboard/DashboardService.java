package dev.quantumliquid.server.dashboard;

import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.repository.VersionStatus;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The live dashboard: {@code GET /} (a page, its script and style under {@code /dashboard/}, no
 * third-party content) and {@code GET /dashboard/api/summary}, the numbers it polls, computed from
 * the server's own registry and a ring of samples taken every {@value #INTERVAL_S} s over the last
 * {@value #HISTORY_MIN} minutes. The sampler runs while the web server does.
 */
public final class DashboardService implements HttpService {
    static final int INTERVAL_S = 5;
    static final int HISTORY_MIN = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final HeaderName CSP_HEADER = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
    private static final HeaderName REFERRER = HeaderNames.create("Referrer-Policy");

    private record Asset(String contentType, byte[] bytes) {
    }

    private final JsonIo json;
    private final Supplier<List<VersionStatus>> index;
    private final double coherenceThreshold;
    private final Sampler sampler;
    private final Asset page = asset("index.html", "text/html; charset=utf-8");
    private final Asset script = asset("app.js", "text/javascript; charset=utf-8");
    private final Asset style = asset("app.css", "text/css; charset=utf-8");
    private final Asset icon = asset("favicon.svg", "image/svg+xml");

    public DashboardService(JsonIo json, PrometheusRegistry registry, Supplier<List<VersionStatus>> index,
            double coherenceThreshold) {
        this(json, registry, index, coherenceThreshold, Clock.systemUTC(), Duration.ofSeconds(INTERVAL_S),
                HISTORY_MIN * 60 / INTERVAL_S + 1);
    }

    DashboardService(JsonIo json, PrometheusRegistry registry, Supplier<List<VersionStatus>> index, double coherenceThreshold,
            Clock clock, Duration interval, int capacity) {
        this.json = json;
        this.index = index;
        this.coherenceThreshold = coherenceThreshold;
        this.sampler = new Sampler(registry, clock, interval, capacity);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> send(req, res, page))
                .get("/dashboard/app.js", (req, res) -> send(req, res, script))
                .get("/dashboard/app.css", (req, res) -> send(req, res, style))
                .get("/dashboard/favicon.svg", (req, res) -> send(req, res, icon))
                .get("/dashboard/api/summary", this::summary);
    }

    /** Only once listening: a server that fails to bind calls beforeStart but never afterStop. */
    @Override
    public void afterStart(WebServer webServer) {
        sampler.start();
    }

    @Override
    public void afterStop() {
        sampler.stop();
    }

    Sampler sampler() {
        return sampler;
    }

    private void summary(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("dashboard_summary");
        headers(res);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(res, new Summary(sampler.samplesAndNow(), WINDOW.toMillis())
                .json(index.get(), coherenceThreshold, sampler.interval().toMillis()));
    }

    private void send(ServerRequest req, ServerResponse res, Asset a) {
        RequestTags.of(req).endpoint("dashboard");
        headers(res);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.CONTENT_TYPE, a.contentType());
        res.send(a.bytes());
    }

    private static void headers(ServerResponse res) {
        res.header(CSP_HEADER, CSP);
        res.header(NOSNIFF, "nosniff");
        res.header(REFERRER, "no-referrer");
    }

    private static Asset asset(String name, String contentType) {
        try (InputStream in = DashboardService.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /dashboard/" + name);
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
