package dev.quantumliquid.server.http;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.ServerException.Kind;
import dev.quantumliquid.server.metrics.ServerMetrics;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
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
            case INTERNAL -> Status.INTERNAL_SERVER_ERROR_500;
        };
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
            default -> {
                kind = Kind.INTERNAL;
                status = Status.INTERNAL_SERVER_ERROR_500;
                message = "internal error (request id " + tags.requestId() + ")";
                LOG.error("internal error answering {} {} (request id {})", req.prologue().method().text(),
                        req.path().path(), tags.requestId(), t);
            }
        }
        if (status.code() < 500) {
            LOG.debug("{} {} -> {}: {}", req.prologue().method().text(), req.path().path(), status.code(), message);
        }
        metrics.error(tags.model(), kind.label());
        if (res.isSent()) {
            return;
        }
        if (status.code() == 503) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        json.send(res, status, json.object().put("error", message));
    }
}
