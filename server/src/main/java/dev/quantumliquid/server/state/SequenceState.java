package dev.quantumliquid.server.state;

/**
 * Where a recurrent sequence stands: the model version it runs on, the steps taken so far and the
 * full model state after them ([stateSize], the engine's layout).
 */
public record SequenceState(String model, long version, long steps, float[] state) {
    public SequenceState {
        state = state.clone();
    }

    @Override
    public float[] state() {
        return state.clone();
    }
}
