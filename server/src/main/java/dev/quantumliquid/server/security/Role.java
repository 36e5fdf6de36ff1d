package dev.quantumliquid.server.security;

import java.util.Locale;
import java.util.Optional;

/** What an API key may do: {@code infer} calls inference and metadata routes, {@code admin} also management routes. */
public enum Role {
    INFER,
    ADMIN;

    /** Whether a key with this role may use a route that needs {@code needed}. */
    public boolean grants(Role needed) {
        return this == ADMIN || needed == INFER;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code s} (infer, admin), or empty. */
    public static Optional<Role> parse(String s) {
        return switch (s) {
            case "infer" -> Optional.of(INFER);
            case "admin" -> Optional.of(ADMIN);
            default -> Optional.empty();
        };
    }
}
