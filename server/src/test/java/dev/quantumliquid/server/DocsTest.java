package dev.quantumliquid.server;

import dev.quantumliquid.server.config.Config;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every setting with its default. */
class DocsTest {
    @Test
    void everySettingIsInTheSettingsTableWithItsDefault() throws IOException {
        String doc = Files.readString(Path.of("../README.md"));
        for (Config.Setting s : Config.SETTINGS) {
            assertThat(doc).as(s.variable()).contains("| `" + s.variable() + "` | " + s.defaultValue() + " |");
        }
    }
}
