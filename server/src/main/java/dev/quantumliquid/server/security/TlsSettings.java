package dev.quantumliquid.server.security;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS of both listeners: PEM files, none of them read here.
 *
 * @param cert QLNN_TLS_CERT
 * @param key QLNN_TLS_KEY (set together with {@code cert})
 * @param clientCa QLNN_TLS_CLIENT_CA (needs {@code cert} and {@code key})
 */
public record TlsSettings(Optional<Path> cert, Optional<Path> key, Optional<Path> clientCa) {
    public static final Setting<Optional<Path>> CERT = Setting.named("QLNN_TLS_CERT")
            .doc("PEM certificate chain; with `QLNN_TLS_KEY` the server speaks only TLS 1.2/1.3").optionalPath();
    public static final Setting<Optional<Path>> KEY = Setting.named("QLNN_TLS_KEY")
            .doc("PEM private key of `QLNN_TLS_CERT`").optionalPath();
    public static final Setting<Optional<Path>> CLIENT_CA = Setting.named("QLNN_TLS_CLIENT_CA")
            .doc("PEM CA certificate(s); when set, clients must present a certificate it signed (mTLS)").optionalPath();

    public static final List<Setting<?>> SETTINGS = List.of(CERT, KEY, CLIENT_CA);

    /** Reads the files' paths; a key without a certificate (or the reverse), or a client CA without both, is refused. */
    public static TlsSettings load(PropertySource source) {
        TlsSettings t = new TlsSettings(CERT.read(source), KEY.read(source), CLIENT_CA.read(source));
        if (t.cert.isPresent() != t.key.isPresent()) {
            String missing = t.cert.isPresent() ? KEY.name() : CERT.name();
            String given = t.cert.isPresent() ? CERT.name() : KEY.name();
            throw new ServerException(Kind.CONFIG, missing + ": must be set together with " + given);
        }
        if (t.clientCa.isPresent() && t.cert.isEmpty()) {
            throw new ServerException(Kind.CONFIG, CLIENT_CA.name() + ": needs " + CERT.name() + " and " + KEY.name()
                    + " (client certificates need TLS)");
        }
        return t;
    }

    /** Whether the listeners speak TLS. */
    public boolean enabled() {
        return cert.isPresent();
    }
}
