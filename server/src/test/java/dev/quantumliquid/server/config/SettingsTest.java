package dev.quantumliquid.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.error.ServerException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Descriptors: reading with defaults and fallbacks, one-line refusals, and an echo that never shows a secret. */
class SettingsTest {
    private static final Setting<Integer> LIMIT = Setting.named("TEST_LIMIT").defaultsTo("5").doc("a limit").count(1, 10);
    private static final Setting<String> PASSWORD = Setting.named("TEST_PASSWORD").secret().doc("a password")
            .parsedBy("text", t -> t, t -> t);
    private static final Setting<String> URL = Setting.named("TEST_URL").fallingBackTo("TEST_URL_FALLBACK").doc("a URL")
            .parsedBy("text", t -> t, t -> t);
    private static final List<Setting<?>> ALL = List.of(LIMIT, PASSWORD, URL);

    @Test
    void aSecretIsNeverEchoedNorAreCredentialsInAUrl() {
        PropertySource src = PropertySource.of(Map.of("TEST_PASSWORD", "hunter2", "TEST_URL", "https://me:pa55@store.example:9000/x"));
        Map<String, String> effective = Settings.effective(ALL, src);
        assertThat(effective).containsEntry("TEST_PASSWORD", "hunter2"); // round-trips the real value
        Map<String, String> echo = Settings.echo(ALL, effective);
        assertThat(echo).containsEntry("TEST_PASSWORD", Settings.REDACTED)
                .containsEntry("TEST_URL", "https://<redacted>@store.example:9000/x").containsEntry("TEST_LIMIT", "5");
        assertThat(echo.toString()).doesNotContain("hunter2").doesNotContain("pa55");
    }

    @Test
    void anUnsetSecretIsShownAsUnset() {
        assertThat(Settings.echo(ALL, Settings.effective(ALL, PropertySource.of(Map.of())))).containsEntry("TEST_PASSWORD", "");
    }

    @Test
    void aFallbackIsReadWhenTheVariableIsUnsetAndNamedWhenItIsWrong() {
        assertThat(URL.read(PropertySource.of(Map.of("TEST_URL_FALLBACK", "b")))).isEqualTo("b");
        assertThat(URL.read(PropertySource.of(Map.of("TEST_URL", "a", "TEST_URL_FALLBACK", "b")))).isEqualTo("a");
        assertThatThrownBy(() -> LIMIT.read(PropertySource.of(Map.of("TEST_LIMIT", " 11 "))))
                .isInstanceOf(ServerException.class).hasMessage("TEST_LIMIT: must be an integer in [1, 10], got '11'");
        assertThat(LIMIT.read(PropertySource.of(Map.of("TEST_LIMIT", "  ")))).isEqualTo(5);
    }

    @Test
    void theTableHasOneRowPerSetting() {
        assertThat(Settings.markdownTable(ALL)).isEqualTo("""
                | variable | flag | default | meaning |
                |---|---|---|---|
                | `TEST_LIMIT` |  | 5 | a limit |
                | `TEST_PASSWORD` |  | (none) | a password |
                | `TEST_URL` |  | (none) | a URL |
                """);
    }
}
