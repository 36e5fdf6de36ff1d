package dev.quantumliquid.server.http;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.metrics.ServerMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Admission before a request's body is read: at most QLNN_MAX_CONCURRENT_REQUESTS requests and
 * QLNN_MAX_BODY_BYTES_IN_FLIGHT announced body bytes at once; beyond either, 503 with Retry-After
 * and {@code Connection: close} is sent at once and the body is never read (so an overload costs
 * the headers only). Health probes and the metrics scrape skip admission, so load cannot starve them. While the server
 * drains, every answer carries {@code Connection: close}.
 */
public final class Admission implements Filter {
    /** Probes: never refused for load (they read no body and cost microseconds). */
    public static final List<String> PROBES = List.of("/health", "/ready", "/v2/health/live", "/v2/health/ready");
    /** Never refused for load: the probes, and the metrics scrape that shows the overload. */
    private static final List<String> EXEMPT = List.of("/health", "/ready", "/v2/health/live", "/v2/health/ready", "/metrics");
    private static final int KIB = 1024;

    private final Semaphore requests;
    private final Semaphore bodyKib;
    private final int totalKib;
    private final int maxRequests;
    private final long maxBodyBytes;
    private final long bytesInFlight;
    private final JsonIo json;
    private final ServerMetrics metrics;
    private final BooleanSupplier draining;
    private final AtomicInteger admitted = new AtomicInteger();

    public Admission(int maxRequests, long bytesInFlight, long maxBodyBytes, JsonIo json, ServerMetrics metrics,
            BooleanSupplier draining) {
        this.maxRequests = maxRequests;
        this.requests = new Semaphore(maxRequests);
        this.bytesInFlight = bytesInFlight;
        this.totalKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytesInFlight / KIB));
        this.bodyKib = new Semaphore(totalKib);
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.metrics = metrics;
        this.draining = draining;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (draining.getAsBoolean()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (req.prologue().protocolVersion().equals("1.1") && !req.headers().contains(HeaderNames.HOST)) {
            throw ServerException.badRequest("Host: header missing (every HTTP/1.1 request must carry one)");
        }
        if (EXEMPT.contains(req.path().path())) {
            chain.proceed();
            return;
        }
        int kib = bodyKib(req);
        if (!requests.tryAcquire()) {
            refuse(res, "requests", maxRequests + " requests in progress (QLNN_MAX_CONCURRENT_REQUESTS)");
            return;
        }
        if (!bodyKib.tryAcquire(kib)) {
            requests.release();
            refuse(res, "body_bytes", "request bodies of " + bytesInFlight
                    + " bytes are being received (QLNN_MAX_BODY_BYTES_IN_FLIGHT)");
            return;
        }
        admitted.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            admitted.decrementAndGet();
            bodyKib.release(kib);
            requests.release();
        }
    }

    /** The announced body in KiB (rounded up): Content-Length, or QLNN_MAX_BODY_BYTES for a chunked body. */
    private int bodyKib(RoutingRequest req) {
        OptionalLong declared = req.headers().contentLength();
        long bytes;
        if (declared.isPresent()) {
            bytes = Math.min(declared.getAsLong(), maxBodyBytes); // a larger one is refused with 413 unread
        } else {
            bytes = req.headers().contains(HeaderValues.TRANSFER_ENCODING_CHUNKED) ? maxBodyBytes : 0;
        }
        return (int) Math.min(totalKib, (bytes + KIB - 1) / KIB); // one body may use the whole allowance, never more
    }

    private void refuse(RoutingResponse res, String reason, String why) {
        metrics.rejected("admission_" + reason);
        res.status(Status.SERVICE_UNAVAILABLE_503);
        res.header(HeaderNames.RETRY_AFTER, ErrorMapper.RETRY_AFTER_SECONDS);
        res.header(HeaderValues.CONNECTION_CLOSE); // the body stays unread: the connection cannot be reused
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.bytes(json.object().put("error", "server busy: " + why + "; retry later")));
    }

    /** Requests admitted and not yet answered. */
    public int inflight() {
        return admitted.get();
    }
}
