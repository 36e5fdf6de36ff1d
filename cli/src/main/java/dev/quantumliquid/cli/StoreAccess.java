package dev.quantumliquid.cli;

import dev.quantumliquid.server.signing.TrustedKeys;
import dev.quantumliquid.server.store.S3Settings;
import dev.quantumliquid.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the transfer commands share: stores opened with the environment's S3 settings, the trusted
 * keys of QLNN_TRUSTED_KEYS (or a flag), and a scratch folder for downloads in flight.
 */
final class StoreAccess implements AutoCloseable {
    private final Map<String, String> env;
    private final Path scratch;

    StoreAccess(Map<String, String> env) {
        this.env = env;
        try {
            this.scratch = Files.createTempDirectory("qlnn-transfer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Store open(String flag, String location) {
        return dev.quantumliquid.server.store.Stores.open(flag, location, S3Settings.fromEnvironment(env));
    }

    /** {@code flag} when given, else QLNN_TRUSTED_KEYS, else none. */
    Optional<TrustedKeys> trust(Path flag) {
        if (flag != null) {
            return Optional.of(TrustedKeys.load(flag));
        }
        String v = env.getOrDefault("QLNN_TRUSTED_KEYS", "");
        return v.isBlank() ? Optional.empty() : Optional.of(TrustedKeys.load(Path.of(v.strip())));
    }

    Path scratch() {
        return scratch;
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(scratch)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp folder left behind
        }
    }
}
