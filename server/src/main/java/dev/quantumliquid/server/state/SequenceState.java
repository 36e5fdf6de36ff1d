package dev.quantumliquid.server.state;

/**
 * Where a recurrent sequence stands: the model version it runs on (with the digest of the content
 * that version served, so a state never continues on replaced weights), the steps taken so far and
 * the full model state after them ([stateSize], the engine's layout).
 *
 * @param digest the served version's content digest, 64 hex digits (see ServedModel.digest)
 */
public record SequenceState(String model, long version, String digest, long steps, float[] state) {
    public SequenceState {
        state = state.clone();
    }

    @Override
    public float[] state() {
        return state.clone();
    }
}
