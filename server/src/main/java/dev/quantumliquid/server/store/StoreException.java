package dev.quantumliquid.server.store;

import dev.quantumliquid.server.error.ServerException;

/** A store that cannot be reached or refuses an operation, or content that fails a check; one line. */
public final class StoreException extends ServerException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(Kind.NOT_READY, message);
    }

    public StoreException(String message, Throwable cause) {
        super(Kind.NOT_READY, message, cause);
    }
}
