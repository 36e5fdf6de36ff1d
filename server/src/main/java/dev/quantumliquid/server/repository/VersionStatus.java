package dev.quantumliquid.server.repository;

import java.util.Optional;

/**
 * What the repository index says about one model version: its state, why (empty when there is
 * nothing to say) and, when it is loaded, the model that serves.
 */
public record VersionStatus(String name, long version, State state, String reason, Optional<ServedModel> served) {
    /** Triton's model states. */
    public enum State { READY, UNAVAILABLE, LOADING }

    public boolean ready() {
        return state == State.READY;
    }
}
