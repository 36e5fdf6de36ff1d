package dev.quantumliquid.server.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where settings are read from: environment variables, with command-line flags laid over them.
 * A blank value counts as unset.
 */
@FunctionalInterface
public interface PropertySource {
    /** The value of {@code name}, stripped; empty when it is unset or blank. */
    Optional<String> get(String name);

    /** A source over a copy of {@code values} (typically {@code System.getenv()}). */
    static PropertySource of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return name -> Optional.ofNullable(copy.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}
