package dev.quantumliquid.engine.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @Test
    void writtenFilesGetTheUmasksPermissionsAndNoTempFileStays(@TempDir Path dir) throws Exception {
        Path reference = Files.createFile(dir.resolve("reference")); // what the umask gives a new file
        Set<PosixFilePermission> umask = Files.getPosixFilePermissions(reference);
        Path model = dir.resolve("model.json");
        AtomicFiles.write(model, "{}".getBytes());
        AtomicFiles.write(model, "{\"a\": 1}".getBytes()); // replacing keeps them too
        assertThat(Files.readString(model)).isEqualTo("{\"a\": 1}");
        assertThat(Files.getPosixFilePermissions(model)).isEqualTo(umask);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("reference", "model.json");
        }
    }
}
