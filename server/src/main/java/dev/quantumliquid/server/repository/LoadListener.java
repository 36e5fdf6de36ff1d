package dev.quantumliquid.server.repository;

/** Told when versions are loaded, refused or dropped, so it shows in the metrics and the audit trail as well as the log and index. */
public interface LoadListener {
    /** kind: load_failed (unreadable, bad checksum, bad model) or energy_budget; reason: one line. */
    void refused(String model, long version, String kind, String reason);

    /** A version takes traffic. */
    default void loaded(String model, long version) {
    }

    /** A model or version stops being served; how: removed (from disk) or unloaded (through the API); version 0 for all. */
    default void dropped(String model, long version, String how) {
    }

    /** Both listeners, in order. */
    static LoadListener both(LoadListener a, LoadListener b) {
        return new LoadListener() {
            @Override
            public void refused(String model, long version, String kind, String reason) {
                a.refused(model, version, kind, reason);
                b.refused(model, version, kind, reason);
            }

            @Override
            public void loaded(String model, long version) {
                a.loaded(model, version);
                b.loaded(model, version);
            }

            @Override
            public void dropped(String model, long version, String how) {
                a.dropped(model, version, how);
                b.dropped(model, version, how);
            }
        };
    }
}
