package dev.quantumliquid.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA with server and client certificates, made with the JDK's keytool (no dependency), and
 * exported as the PEM files the server reads.
 */
public final class TestCertificates {
    /** The password of every PKCS#12 key store made here. */
    public static final char[] PASSWORD = "changeit".toCharArray();
    private final Path dir;
    /** The CA's certificate (PEM). */
    public final Path caPem;

    /**
     * What the TLS tests use: a CA, two server certificates for 127.0.0.1 and localhost (CN
     * qlnn-server-1 and qlnn-server-2, for rotation) and a client certificate (CN qlnn-client); each
     * as {@link #issue} returns it.
     */
    public record Set(TestCertificates ca, Path[] server, Path[] server2, Path[] client) {
    }

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
    }

    /** A CA with two server certificates and a client certificate, in {@code dir}. */
    public static Set serversAndClient(Path dir) {
        TestCertificates ca = create(dir);
        return new Set(ca, ca.issue("server", "qlnn-server-1", true), ca.issue("server2", "qlnn-server-2", true),
                ca.issue("client", "qlnn-client", false));
    }

    /** A new CA (EC P-256) in {@code dir}. */
    public static TestCertificates create(Path dir) {
        TestCertificates c = new TestCertificates(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=qlnn-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        c.keytool("-exportcert", "-alias", "ca", "-rfc", "-file", "ca.pem", "-keystore", "ca.p12");
        return c;
    }

    /** A key pair signed by the CA: {@code name}.p12 (key + chain), {@code name}.pem (chain), {@code name}.key (PKCS#8). */
    public Path[] issue(String name, String cn, boolean server) {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn, "-validity",
                "2", "-keystore", name + ".p12");
        keytool("-certreq", "-alias", name, "-file", name + ".csr", "-keystore", name + ".p12");
        List<String> gen = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-infile", name + ".csr", "-outfile",
                name + ".crt", "-rfc", "-validity", "2", "-keystore", "ca.p12"));
        if (server) {
            gen.addAll(List.of("-ext", "san=ip:127.0.0.1,dns:localhost"));
        }
        keytool(gen.toArray(String[]::new));
        try {
            Path chainPem = dir.resolve(name + ".pem");
            Files.writeString(chainPem, Files.readString(dir.resolve(name + ".crt")) + Files.readString(caPem));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
                ks.load(in, PASSWORD);
            }
            PrivateKey key = (PrivateKey) ks.getKey(name, PASSWORD);
            Path keyPem = dir.resolve(name + ".key");
            Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            List<Certificate> chain = new ArrayList<>(certificates(chainPem));
            ks.setKeyEntry(name, key, PASSWORD, chain.toArray(Certificate[]::new));
            try (var out = Files.newOutputStream(dir.resolve(name + ".p12"))) {
                ks.store(out, PASSWORD);
            }
            return new Path[] {chainPem, keyPem, dir.resolve(name + ".p12")};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed key pair no CA vouches for: {@code name}.p12. */
    public Path stranger(String name) {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity",
                "2", "-keystore", name + ".p12");
        return dir.resolve(name + ".p12");
    }

    public static List<X509Certificate> certificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c)
                    .toList();
        }
    }

    /** A client context trusting the CA, with the client key store's key when given. */
    public SSLContext clientContext(Path clientP12OrNull) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates(caPem).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientP12OrNull != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientP12OrNull)) {
                ks.load(in, PASSWORD);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto")); // a short-lived JVM
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-noprompt"));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
