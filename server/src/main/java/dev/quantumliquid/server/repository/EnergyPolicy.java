package dev.quantumliquid.server.repository;

/** What to do with a model whose estimated power exceeds ENERGY_BUDGET_UW. */
public enum EnergyPolicy {
    /** Do not serve it; the repository index, the log and the metrics say why. */
    ENFORCE,
    /** Serve it anyway, with a warning in the log and the repository index. */
    WARN
}
