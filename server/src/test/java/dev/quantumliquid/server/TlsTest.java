package dev.quantumliquid.server;

import dev.quantumliquid.server.error.ServerException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS with certificates this test makes, protocol floor, and rotation without restart. */
class TlsTest {
    @TempDir
    static Path dir;
    static TestCerts ca;
    static Path[] server;
    static Path[] server2;
    static Path[] client;
    static Path repo;

    @BeforeAll
    static void certificates() throws IOException {
        ca = TestCerts.create(dir);
        server = ca.issue("server", "qlnn-server-1", true);
        server2 = ca.issue("server2", "qlnn-server-2", true);
        client = ca.issue("client", "qlnn-client", false);
        repo = Files.createDirectories(dir.resolve("models"));
        TestModels.writeDense(repo, "dense", 1, 0f);
    }

    private static HttpResponse<String> get(SSLContext ctx, int port, String path) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The subject of the certificate the server presents now. */
    private static String servedCertificate(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ca.clientContext(client[2]).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void tlsServesHttpsOnlyWithTls12OrNewer() throws Exception {
        Path cert = Files.copy(server[0], dir.resolve("tls-only.pem"), StandardCopyOption.REPLACE_EXISTING);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_TLS_CERT", cert.toString(), "QLNN_TLS_KEY", server[1].toString()))) {
            HttpResponse<String> r = get(ca.clientContext(null), s.server.port(), "/v2/health/ready");
            assertThat(r.statusCode()).isEqualTo(200);
            HttpClient h2 = HttpClient.newBuilder().sslContext(ca.clientContext(null)).version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> alpn = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.server.port()
                    + "/v2/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(alpn.version()).as("h2 chosen by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
            assertThatThrownBy(() -> s.get("/v2/health/ready")).as("plain HTTP on the TLS port").isInstanceOf(RuntimeException.class);
            for (String old : new String[] {"TLSv1.1", "TLSv1"}) {
                SSLContext ctx = ca.clientContext(null);
                try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.server.port())) {
                    sock.setEnabledProtocols(new String[] {old});
                    assertThatThrownBy(sock::startHandshake).as(old).isInstanceOf(IOException.class);
                } catch (IllegalArgumentException notEvenOffered) {
                    // this JDK no longer speaks it at all: refused on our side too
                }
            }
        }
    }

    /** Every TLS 1.2 suite this JDK's client can offer, one at a time: only ECDHE with an AEAD cipher is accepted. */
    @Test
    void tls12AcceptsOnlyEcdheWithAeadSuites() throws Exception {
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_TLS_CERT", server[0].toString(), "QLNN_TLS_KEY", server[1].toString()))) {
            java.util.List<String> accepted = new java.util.ArrayList<>();
            SSLContext ctx = ca.clientContext(null);
            for (String suite : ctx.getSupportedSSLParameters().getCipherSuites()) {
                if (!suite.startsWith("TLS_") || suite.startsWith("TLS_AES") || suite.startsWith("TLS_CHACHA")
                        || suite.contains("SCSV")) {
                    continue; // TLS 1.3 suites and signalling values are not TLS 1.2 suites
                }
                try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.server.port())) {
                    sock.setEnabledProtocols(new String[] {"TLSv1.2"});
                    sock.setEnabledCipherSuites(new String[] {suite});
                    sock.startHandshake();
                    accepted.add(suite);
                } catch (IOException | IllegalArgumentException refused) {
                    // refused by the server (or not offered by this client)
                }
            }
            assertThat(accepted).isNotEmpty().allSatisfy(suite -> assertThat(suite).startsWith("TLS_ECDHE_")
                    .containsAnyOf("_GCM_", "_CHACHA20_POLY1305_"));
        }
    }

    @Test
    void withAClientCaEveryClientNeedsACertificateItSigned() throws Exception {
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_TLS_CERT", server[0].toString(), "QLNN_TLS_KEY",
                server[1].toString(), "QLNN_TLS_CLIENT_CA", ca.caPem.toString()))) {
            assertThat(get(ca.clientContext(client[2]), s.server.port(), "/v2/health/ready").statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> get(ca.clientContext(null), s.server.port(), "/v2/health/ready"))
                    .as("no client certificate").isInstanceOf(IOException.class);
            // A certificate from another CA is refused as well.
            Path stranger = ca.stranger("stranger");
            assertThatThrownBy(() -> get(ca.clientContext(stranger), s.server.port(), "/v2/health/ready"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void rotatedCertificateFilesAreServedWithoutRestartAndABrokenPairIsRefused() throws Exception {
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(server[0], cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(server[1], key, StandardCopyOption.REPLACE_EXISTING);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_TLS_CERT", cert.toString(), "QLNN_TLS_KEY", key.toString(),
                "QLNN_SECRETS_POLL_S", "0.1"))) {
            int port = s.server.port();
            assertThat(servedCertificate(port)).contains("qlnn-server-1");
            // Half a rotation (new certificate, old key) is refused: the old pair keeps serving.
            Files.copy(server2[0], cert, StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(500);
            assertThat(servedCertificate(port)).contains("qlnn-server-1");
            Files.copy(server2[1], key, StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!servedCertificate(port).contains("qlnn-server-2")) {
                assertThat(System.nanoTime()).as("the rotated certificate is served").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(get(ca.clientContext(null), port, "/v2/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void badTlsSettingsStopStartUpNamingTheVariable() throws Exception {
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_TLS_CERT", server[0].toString())))
                .hasMessageContaining("QLNN_TLS_KEY");
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_TLS_CLIENT_CA", ca.caPem.toString())))
                .hasMessageContaining("QLNN_TLS_CLIENT_CA");
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_TLS_CERT", server[0].toString(), "QLNN_TLS_KEY",
                server2[1].toString()))).hasMessageContaining("QLNN_TLS_KEY").hasMessageContaining("does not belong");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> TestServer.start(repo, Map.of("QLNN_TLS_CERT", junk.toString(), "QLNN_TLS_KEY",
                server[1].toString()))).isInstanceOf(ServerException.class).hasMessageContaining("QLNN_TLS_");
    }
}
