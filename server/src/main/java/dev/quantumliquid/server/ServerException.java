package dev.quantumliquid.server;

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
        INTERNAL("internal");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;

    public ServerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ServerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ServerException badRequest(String message) {
        return new ServerException(Kind.BAD_REQUEST, message);
    }

    public static ServerException notFound(String message) {
        return new ServerException(Kind.NOT_FOUND, message);
    }
}
