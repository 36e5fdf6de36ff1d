package dev.quantumliquid.server.http;

import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.metrics.ServerMetrics;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.common.buffers.DataReader;
import java.io.UncheckedIOException;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP answers: status + {@code {"error": "..."}}, Retry-After
 * on 503, the errors metric counted. A 500 tells the client only the request id; the stack trace
 * goes to the log under that id.
 */
public final class ErrorMapper implements ErrorHandler<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    /** Seconds a client should wait after a 503. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final JsonIo json;
    private final ServerMetrics metrics;

    public ErrorMapper(JsonIo json, ServerMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    static Status status(Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, CONFIG -> Status.BAD_REQUEST_400;
            case NOT_FOUND -> Status.NOT_FOUND_404;
            case TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case UNSUPPORTED_MEDIA_TYPE -> Status.UNSUPPORTED_MEDIA_TYPE_415;
            case NOT_READY, OVERLOADED -> Status.SERVICE_UNAVAILABLE_503;
            case INTERNAL, NON_FINITE_OUTPUT -> Status.INTERNAL_SERVER_ERROR_500;
            case UNAUTHORIZED -> Status.UNAUTHORIZED_401;
            case FORBIDDEN -> Status.FORBIDDEN_403;
            case RATE_LIMITED -> Status.TOO_MANY_REQUESTS_429;
        };
    }

    /**
     * Answers for requests Helidon refuses before routing (headers beyond QLNN_MAX_HEADER_BYTES, a
     * malformed request line, a Content-Encoding it cannot decode): the same {@code {"error": ...}}
     * body, naming the limit when it is one, counted in the request and error metrics (endpoint
     * {@code refused_before_routing}) as every routed request is.
     */
    public static DirectHandlers directHandlers(JsonIo json, ServerMetrics metrics, int maxHeaderBytes) {
        DirectHandler handler = new DirectHandler() {
            @Override
            public TransportResponse handle(TransportRequest req, EventType event, Status status, ServerResponseHeaders headers,
                    Throwable thrown) {
                return handle(req, event, status, headers, thrown == null ? null : thrown.getMessage());
            }

            @Override
            public TransportResponse handle(TransportRequest req, EventType event, Status status, ServerResponseHeaders headers,
                    String message) {
                String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
                String text;
                // Helidon refuses a coding it has no decoder for with no detail given here: the header tells.
                String coding = req.headers().first(HeaderNames.CONTENT_ENCODING).orElse("identity").strip()
                        .toLowerCase(Locale.ROOT);
                if (event == EventType.BAD_REQUEST && !Compression.CODINGS.contains(coding)) {
                    text = "Content-Encoding: '" + (coding.length() > 40 ? coding.substring(0, 40) + "..." : coding)
                            + "' is not supported (gzip, deflate or identity)";
                } else if (m.contains("header size")) {
                    text = "headers: larger than QLNN_MAX_HEADER_BYTES=" + maxHeaderBytes;
                } else if (status.code() == 414 || m.contains("uri too long")) { // Helidon's own words, when it gives them
                    text = "request line: longer than " + Math.min(maxHeaderBytes, MAX_PROLOGUE) + " bytes";
                } else if (event == EventType.INTERNAL_ERROR) {
                    // Before routing nothing of ours has run: a request line or headers that cannot be parsed
                    // (a NUL in the method, the connection ending mid-headers) is the client's error.
                    text = "request: cannot be read (a malformed request line or headers, or the connection ended "
                            + "in the middle of the request)";
                    LOG.debug("request refused before routing: {}", message);
                    status = Status.BAD_REQUEST_400;
                } else if (event == EventType.BAD_REQUEST) {
                    // Helidon gives no detail here (an oversized header block and a malformed one look alike)
                    text = "headers: malformed, or larger than QLNN_MAX_HEADER_BYTES=" + maxHeaderBytes + " (" + status.code() + " "
                            + status.reasonPhrase() + ")";
                } else {
                    text = "request refused before routing (" + status.code() + " " + status.reasonPhrase() + ")";
                }
                Kind kind = switch (status.code()) {
                    case 413 -> Kind.TOO_LARGE;
                    case 415 -> Kind.UNSUPPORTED_MEDIA_TYPE;
                    default -> status.code() >= 500 ? Kind.INTERNAL : Kind.BAD_REQUEST;
                };
                metrics.request("", "", "refused_before_routing", status.code(), 0);
                metrics.error("", kind.label());
                headers.set(HeaderNames.CONTENT_TYPE, "application/json");
                return TransportResponse.builder().status(status).headers(headers)
                        .entity(json.bytes(json.object().put("error", text))).build();
            }
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            if (t != DirectHandler.EventType.OTHER) {
                b.addHandler(t, handler);
            }
        }
        return b.build();
    }

    /** Longest request line (method, path, query, version) Helidon accepts. */
    public static final int MAX_PROLOGUE = 8192;

    /** What the log names a request by: the endpoint that matched, never the raw path (it may carry anything). */
    private static String endpoint(RequestTags tags) {
        return tags.endpoint();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res, Throwable t) {
        RequestTags tags = RequestTags.of(req);
        Kind kind;
        Status status;
        String message;
        switch (t) {
            case ServerException e -> {
                kind = e.kind();
                status = status(kind);
                message = e.getMessage();
                if (!e.rejectedReason().isEmpty()) {
                    metrics.rejected(e.rejectedReason());
                }
            }
            case EngineException e -> {
                kind = Kind.BAD_REQUEST;
                status = Status.BAD_REQUEST_400;
                message = e.getMessage();
            }
            case NotFoundException e -> {
                kind = Kind.NOT_FOUND;
                status = Status.NOT_FOUND_404;
                String path = req.path().path();
                message = "no endpoint " + req.prologue().method().text() + " "
                        + (path.length() > 100 ? path.substring(0, 100) + "..." : path);
            }
            case HttpException e when e.status().code() < 500 -> {
                kind = e.status().code() == 413 ? Kind.TOO_LARGE : Kind.BAD_REQUEST;
                status = e.status();
                message = e.getMessage();
            }
            case RequestException e when e.status().code() < 500 || e.eventType() == DirectHandler.EventType.BAD_REQUEST -> {
                // the web server's own refusal while a handler read the body (a malformed chunk size, an oversized body)
                kind = e.status().code() == 413 ? Kind.TOO_LARGE : Kind.BAD_REQUEST;
                status = e.status().code() < 500 ? e.status() : Status.BAD_REQUEST_400;
                message = "body: " + (e.getMessage() == null ? "malformed" : e.getMessage());
            }
            case UncheckedIOException e -> { // the client went away (or stalled) before its body was complete
                kind = Kind.BAD_REQUEST;
                status = Status.BAD_REQUEST_400;
                message = "body: the connection ended before the body was complete";
            }
            case DataReader.InsufficientDataAvailableException e -> {
                kind = Kind.BAD_REQUEST;
                status = Status.BAD_REQUEST_400;
                message = "body: the connection ended before the body was complete";
            }
            default -> {
                kind = Kind.INTERNAL;
                status = Status.INTERNAL_SERVER_ERROR_500;
                message = "internal error (request id " + tags.requestId() + ")";
                LOG.error("internal error answering {} {} (request id {}, body sha256 {})", req.prologue().method().text(),
                        endpoint(tags), tags.requestId(), tags.inputSha256(), t);
            }
        }
        // The message may quote the body (a value, a name); the log carries only the body's digest.
        if (kind == Kind.NON_FINITE_OUTPUT) {
            LOG.warn("{} {} -> {} {} (request id {}, body sha256 {})", req.prologue().method().text(), endpoint(tags),
                    status.code(), kind.label(), tags.requestId(), tags.inputSha256());
        } else if (status.code() < 500 && LOG.isDebugEnabled()) { // the digest is computed only for a line that is written
            LOG.debug("{} {} -> {} {} (request id {}, body sha256 {})", req.prologue().method().text(), endpoint(tags),
                    status.code(), kind.label(), tags.requestId(), tags.inputSha256());
        }
        metrics.error(tags.model(), kind.label());
        if (res.isSent()) {
            return;
        }
        if (status.code() == 503 || status.code() == 429) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (status.code() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"quantum-liquid\"");
        }
        json.send(res, status, json.object().put("error", message));
    }
}
