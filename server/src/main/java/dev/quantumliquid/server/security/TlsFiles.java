package dev.quantumliquid.server.security;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The listener's TLS from QLNN_TLS_CERT and QLNN_TLS_KEY (PEM), and with QLNN_TLS_CLIENT_CA
 * mandatory client certificates: TLS 1.2 and 1.3 only. Built again from the files when they change
 * (the certificate and key are checked to belong together first, so a half-rotated pair is refused
 * and the previous one keeps serving).
 */
public final class TlsFiles {
    /** Protocols offered; SSLv3, TLS 1.0 and 1.1 never. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /**
     * Suites offered: TLS 1.3's, and for TLS 1.2 only forward-secret ECDHE with an AEAD cipher (no
     * CBC, no SHA-1 MAC, no finite-field DHE, no static RSA key exchange).
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Path cert;
    private final Path key;
    private final Optional<Path> clientCa;

    private TlsFiles(Path cert, Path key, Optional<Path> clientCa) {
        this.cert = cert;
        this.key = key;
        this.clientCa = clientCa;
    }

    /** The TLS files of {@code settings}, or empty when the listeners speak plain HTTP. */
    public static Optional<TlsFiles> of(TlsSettings settings) {
        if (settings.cert().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(settings.cert().get(), settings.key().orElseThrow(), settings.clientCa()));
    }

    /** Every file read, for the change watcher. */
    public List<Path> files() {
        return clientCa.map(ca -> List.of(cert, key, ca)).orElse(List.of(cert, key));
    }

    public boolean clientCertificatesRequired() {
        return clientCa.isPresent();
    }

    /**
     * The key, its certificate chain and the client CA certificates (empty without
     * QLNN_TLS_CLIENT_CA), read and checked, for a listener that does not take a Helidon Tls.
     */
    public record Material(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> clientCas) {
        public Material {
            chain = List.copyOf(chain);
            clientCas = List.copyOf(clientCas);
        }
    }

    /** Reads the files into a Tls; CONFIG error naming the variable when one is missing or wrong. */
    public Tls load() {
        Material m = material();
        TlsConfig.Builder b = Tls.builder().privateKey(m.key()).privateKeyCertChain(m.chain()).enabledProtocols(PROTOCOLS)
                .enabledCipherSuites(CIPHER_SUITES);
        if (!m.clientCas().isEmpty()) {
            b.trust(m.clientCas()).clientAuth(TlsClientAuth.REQUIRED);
        }
        return b.build();
    }

    /** Reads and checks the files; CONFIG error naming the variable when one is missing or wrong. */
    public Material material() {
        readable("QLNN_TLS_CERT", cert);
        readable("QLNN_TLS_KEY", key);
        clientCa.ifPresent(ca -> readable("QLNN_TLS_CLIENT_CA", ca));
        Keys keys;
        try {
            keys = Keys.builder().pem(p -> p.key(Resource.create(key)).certChain(Resource.create(cert))).build();
        } catch (RuntimeException e) {
            throw config("QLNN_TLS_KEY", key, "not a PEM private key with its PEM certificate chain (" + oneLine(e) + ")");
        }
        PrivateKey pk = keys.privateKey().orElseThrow(() -> config("QLNN_TLS_KEY", key, "holds no PEM private key"));
        List<X509Certificate> chain = keys.certChain();
        if (chain.isEmpty()) {
            throw config("QLNN_TLS_CERT", cert, "holds no PEM certificate");
        }
        requirePair(pk, chain.get(0));
        List<X509Certificate> cas = List.of();
        if (clientCa.isPresent()) {
            Keys trust;
            try {
                trust = Keys.builder().pem(p -> p.certificates(Resource.create(clientCa.get()))).build();
            } catch (RuntimeException e) {
                throw config("QLNN_TLS_CLIENT_CA", clientCa.get(), "not PEM certificates (" + oneLine(e) + ")");
            }
            if (trust.certs().isEmpty()) {
                throw config("QLNN_TLS_CLIENT_CA", clientCa.get(), "holds no PEM certificate");
            }
            cas = trust.certs();
        }
        return new Material(pk, chain, cas);
    }

    /** The certificate must carry the key's public half: sign a probe with one, verify with the other. */
    private void requirePair(PrivateKey pk, X509Certificate leaf) {
        try {
            String alg = switch (pk.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> "";
            };
            if (alg.isEmpty()) {
                return; // an unusual key type: leave the check to the handshake
            }
            byte[] probe = "quantum-liquid key check".getBytes(StandardCharsets.UTF_8);
            Signature s = Signature.getInstance(alg);
            s.initSign(pk);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw config("QLNN_TLS_KEY", key, "does not belong to the certificate in QLNN_TLS_CERT");
            }
        } catch (GeneralSecurityException e) {
            throw config("QLNN_TLS_KEY", key, "does not belong to the certificate in QLNN_TLS_CERT (" + oneLine(e) + ")");
        }
    }

    private static void readable(String variable, Path p) {
        if (!Files.isReadable(p)) {
            throw config(variable, p, "does not exist or cannot be read");
        }
    }

    private static ServerException config(String variable, Path p, String why) {
        return new ServerException(Kind.CONFIG, variable + ": '" + p + "' " + why);
    }

    private static String oneLine(Exception e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
