package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table is the one the descriptors give: no variable missing, none that does
 * not exist, every flag, default and meaning as parsed. On a mismatch the message holds the table to
 * paste.
 */
class DocsTest {
    @Test
    void theReadmeSettingsTableIsTheDescriptorsTable() throws IOException {
        String doc = Files.readString(Path.of("../README.md"));
        int start = doc.indexOf("\n## Settings\n");
        assertThat(start).as("README has a Settings section").isPositive();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        String table = section.lines().filter(l -> l.startsWith("|")).collect(Collectors.joining("\n", "", "\n"));
        String expected = Settings.markdownTable(ServerConfig.SETTINGS);
        assertThat(table).as("README.md's settings table; expected:%n%s", expected).isEqualTo(expected);
    }
}
