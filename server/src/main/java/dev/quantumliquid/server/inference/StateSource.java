package dev.quantumliquid.server.inference;

/** Where a request's recurrent state comes from. */
public sealed interface StateSource {
    /** From zeros (a new sequence); the response carries a token to continue it. */
    record Fresh() implements StateSource {
    }

    /** From a continuation token returned by an earlier response. */
    record Token(String token) implements StateSource {
    }

    /** From a server-held sequence (Triton's sequence_id, sequence_start, sequence_end). */
    record Sequence(String id, boolean start, boolean end) implements StateSource {
    }

    static StateSource fresh() {
        return new Fresh();
    }
}
