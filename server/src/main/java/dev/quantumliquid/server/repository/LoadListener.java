package dev.quantumliquid.server.repository;

/** Told when a version is refused, so the refusal shows in the metrics as well as the log and index. */
@FunctionalInterface
public interface LoadListener {
    /** kind: load_failed (unreadable, bad checksum, bad model) or energy_budget. */
    void refused(String model, String kind);
}
