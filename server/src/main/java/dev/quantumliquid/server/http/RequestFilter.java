package dev.quantumliquid.server.http;

import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.metrics.ServerMetrics;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Wraps every request: gives it an id (the client's X-Request-Id when it is sane, else a new one),
 * echoes it, puts it in the log context, and counts the request with its final status and duration.
 * Error handlers run inside the chain, so the status seen here is the one sent.
 */
public final class RequestFilter implements Filter {
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final ServerMetrics metrics;

    public RequestFilter(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * A random (version 4) UUID. The id correlates log lines and is no secret (a client may choose its
     * own), so it comes from ThreadLocalRandom rather than UUID.randomUUID's SecureRandom, which reads
     * the kernel's generator under a lock on every request.
     */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long t0 = System.nanoTime();
        String id = req.headers().first(REQUEST_ID).filter(s -> SANE_ID.matcher(s).matches())
                .orElseGet(RequestFilter::newId);
        RequestTags tags = new RequestTags(id);
        req.context().register(tags);
        res.header(REQUEST_ID, id);
        MDC.put("request_id", id);
        try {
            chain.proceed();
        } finally {
            MDC.remove("request_id");
            metrics.request(tags.model(), tags.version(), tags.endpoint(), res.status().code(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
