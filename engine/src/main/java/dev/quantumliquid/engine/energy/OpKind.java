package dev.quantumliquid.engine.energy;

import dev.quantumliquid.engine.layer.OpCounts;
import java.util.Arrays;
import java.util.List;

/** The operation kinds an energy profile prices, under their names in the profile's "cycles" object. */
public enum OpKind {
    MAC("mac"), TRANSCENDENTAL("transcendental"), DIVISION("division"), AMPLITUDE_UPDATE("amplitude_update");

    private final String key;

    OpKind(String key) {
        this.key = key;
    }

    /** The field name in the profile file. */
    public String key() {
        return key;
    }

    /** How many operations of this kind the counts hold. */
    public long count(OpCounts c) {
        return switch (this) {
            case MAC -> c.macs();
            case TRANSCENDENTAL -> c.transcendentals();
            case DIVISION -> c.divisions();
            case AMPLITUDE_UPDATE -> c.amplitudeUpdates();
        };
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(OpKind::key).toList();
    }
}
