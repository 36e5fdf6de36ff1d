package dev.quantumliquid.server.config;

/**
 * Turns a setting's text into its value. A value out of range is an {@link IllegalArgumentException};
 * its message, when not blank, is added in parentheses to the setting's expected form.
 */
@FunctionalInterface
public interface Parser<T> {
    T parse(String text);
}
