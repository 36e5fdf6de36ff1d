package dev.quantumliquid.server.grpc;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.metrics.ServerMetrics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become gRPC statuses: the code for each {@link Kind}, the message
 * (one line naming the field), the errors and rejected metrics counted. An internal error tells the
 * client only the request id; the stack trace goes to the log under that id.
 */
public final class GrpcErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private final ServerMetrics metrics;

    public GrpcErrors(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** The gRPC code of each kind of refusal (HTTP 503 splits into UNAVAILABLE and RESOURCE_EXHAUSTED). */
    static Status.Code code(Kind kind) {
        return switch (kind) {
            case BAD_REQUEST, CONFIG, UNSUPPORTED_MEDIA_TYPE -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case TOO_LARGE, OVERLOADED, RATE_LIMITED -> Status.Code.RESOURCE_EXHAUSTED;
            case NOT_READY -> Status.Code.UNAVAILABLE;
            case INTERNAL, NON_FINITE_OUTPUT -> Status.Code.INTERNAL;
            case UNAUTHORIZED -> Status.Code.UNAUTHENTICATED;
            case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
        };
    }

    /** The status a failed call ends with; counted in the metrics. */
    public StatusRuntimeException status(Throwable t, RequestTags tags) {
        return switch (t) {
            case StatusRuntimeException s -> s;
            case ServerException e -> {
                count(e, tags);
                yield Status.fromCode(code(e.kind())).withDescription(e.getMessage()).asRuntimeException();
            }
            case EngineException e -> {
                metrics.error(tags.model(), Kind.BAD_REQUEST.label());
                yield Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            }
            default -> {
                metrics.error(tags.model(), Kind.INTERNAL.label());
                LOG.error("internal error answering gRPC {} (request id {})", tags.endpoint(), tags.requestId(), t);
                yield Status.INTERNAL.withDescription("internal error (request id " + tags.requestId() + ")")
                        .asRuntimeException();
            }
        };
    }

    /** A failed request on a stream: the error_message of its response (the stream goes on); counted. */
    public String message(Throwable t, RequestTags tags) {
        StatusRuntimeException s = status(t, tags);
        return s.getStatus().getCode() + ": " + s.getStatus().getDescription();
    }

    private void count(ServerException e, RequestTags tags) {
        if (!e.rejectedReason().isEmpty()) {
            metrics.rejected(e.rejectedReason());
        }
        metrics.error(tags.model(), e.kind().label());
    }
}
