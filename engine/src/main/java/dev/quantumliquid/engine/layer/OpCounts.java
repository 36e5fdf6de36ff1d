package dev.quantumliquid.engine.layer;

/**
 * Operations an edge implementation performs for one model step (spec section 6): multiply-accumulates,
 * transcendental evaluations (exp, tanh, sigmoid, log1p, atan, sin/cos), divisions and complex
 * amplitude updates of the circuit simulation. Synapses whose mask is 0 are not counted.
 */
public record OpCounts(long macs, long transcendentals, long divisions, long amplitudeUpdates) {
    public static final OpCounts ZERO = new OpCounts(0, 0, 0, 0);

    public OpCounts plus(OpCounts o) {
        return new OpCounts(macs + o.macs, transcendentals + o.transcendentals, divisions + o.divisions,
                amplitudeUpdates + o.amplitudeUpdates);
    }

    public OpCounts times(long k) {
        return new OpCounts(macs * k, transcendentals * k, divisions * k, amplitudeUpdates * k);
    }

    public long total() {
        return macs + transcendentals + divisions + amplitudeUpdates;
    }
}
