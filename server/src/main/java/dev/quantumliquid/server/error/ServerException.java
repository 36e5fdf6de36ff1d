package dev.quantumliquid.server.error;

/**
 * The server's one unchecked exception: a request, setting or model the server refuses. The message
 * is one line naming the field or variable; {@link Kind} says which HTTP status it maps to (the
 * mapping lives in {@code http.ErrorMapper} only).
 */
public class ServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in the words of the errors metric's {@code kind} label. */
    public enum Kind {
        /** A setting (flag or environment variable) is invalid; stops start-up. */
        CONFIG("config"),
        BAD_REQUEST("bad_request"),
        NOT_FOUND("not_found"),
        TOO_LARGE("too_large"),
        UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
        /** The model or server is not ready (loading, failed, draining). */
        NOT_READY("not_ready"),
        /** Too many requests in flight or sessions open. */
        OVERLOADED("overloaded"),
        INTERNAL("internal"),
        /** No API key, or one that is not in QLNN_API_KEYS_FILE. */
        UNAUTHORIZED("unauthorized"),
        /** A key without the route's role, or a management call from outside QLNN_ADMIN_ALLOW_CIDRS. */
        FORBIDDEN("forbidden"),
        /** A key (or client address) above QLNN_RATE_LIMIT_RPS. */
        RATE_LIMITED("rate_limited"),
        /** The model computed NaN or Inf; the result is refused, never patched. */
        NON_FINITE_OUTPUT("non_finite_output");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String rejectedReason;

    public ServerException(Kind kind, String message) {
        this(kind, message, "");
    }

    public ServerException(Kind kind, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.kind = kind;
        this.rejectedReason = "";
    }

    private ServerException(Kind kind, String message, String rejectedReason) {
        super(oneLine(message));
        this.kind = kind;
        this.rejectedReason = rejectedReason;
    }

    /** Messages quote names and values from requests; control characters in them become '?' so a message is one line. */
    private static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\p{Cntrl}", "?");
    }

    public Kind kind() {
        return kind;
    }

    /**
     * A request turned away to protect the server (load, rate, draining), counted in
     * {@code quantum_liquid_rejected_total{reason}} as well as the errors metric.
     */
    public static ServerException rejected(Kind kind, String reason, String message) {
        return new ServerException(kind, message, reason);
    }

    /** The rejected metric's reason label, or empty when this is not a load-shedding rejection. */
    public String rejectedReason() {
        return rejectedReason;
    }

    public static ServerException badRequest(String message) {
        return new ServerException(Kind.BAD_REQUEST, message);
    }

    public static ServerException notFound(String message) {
        return new ServerException(Kind.NOT_FOUND, message);
    }
}
