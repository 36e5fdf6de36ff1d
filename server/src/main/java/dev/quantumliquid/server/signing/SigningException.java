package dev.quantumliquid.server.signing;

import dev.quantumliquid.server.error.ServerException;

/** A key that cannot be read or written, or a model whose signature is missing or wrong; one line. */
public final class SigningException extends ServerException {
    private static final long serialVersionUID = 1L;

    public SigningException(String message) {
        super(Kind.BAD_REQUEST, message);
    }
}
