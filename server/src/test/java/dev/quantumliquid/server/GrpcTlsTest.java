package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.grpc.proto.GRPCInferenceServiceGrpc;
import dev.quantumliquid.server.grpc.proto.ServerLiveRequest;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestCertificates;
import dev.quantumliquid.testkit.TestModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC listener speaks TLS and mTLS from the same QLNN_TLS_* files as HTTP, and follows their rotation. */
class GrpcTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates ca;
    static Path[] server;
    static Path[] server2;
    static Path[] client;
    static Path repo;

    @BeforeAll
    static void certificates() throws IOException {
        TestCertificates.Set certs = TestCertificates.serversAndClient(dir);
        ca = certs.ca();
        server = certs.server();
        server2 = certs.server2();
        client = certs.client();
        repo = Files.createDirectories(dir.resolve("models"));
        TestModels.dense(repo, "dense", 1, 0f);
    }

    private static boolean live(TestServer s, boolean tls, boolean clientCertificate) throws Exception {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", s.server.grpcPort().orElseThrow());
        if (tls) {
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca.caPem.toFile());
            if (clientCertificate) {
                ssl.keyManager(client[0].toFile(), client[1].toFile());
            }
            b.sslContext(ssl.build());
        } else {
            b.usePlaintext();
        }
        ManagedChannel ch = b.build();
        try {
            return GRPCInferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive();
        } finally {
            ch.shutdownNow();
            ch.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The subject of the certificate the gRPC listener presents now (a handshake offering h2, as gRPC clients do). */
    private static String servedCertificate(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ca.clientContext(client[2]).getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void withAClientCaOnlyClientsWithACertificateItSignedAreAnswered() throws Exception {
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_GRPC_PORT", "-1", "QLNN_TLS_CERT", server[0].toString(),
                "QLNN_TLS_KEY", server[1].toString(), "QLNN_TLS_CLIENT_CA", ca.caPem.toString()))) {
            assertThat(live(s, true, true)).isTrue();
            assertThatThrownBy(() -> live(s, true, false)).as("no client certificate")
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThatThrownBy(() -> live(s, false, false)).as("cleartext on the TLS listener")
                    .isInstanceOf(StatusRuntimeException.class);
        }
    }

    /**
     * Every TLS 1.2 suite this JDK's client can offer, one at a time, on the gRPC port: as on HTTP,
     * only ECDHE with an AEAD cipher is accepted (no CBC, no SHA-1 MAC, no finite-field DHE, no RSA key exchange).
     */
    @Test
    void tls12OnTheGrpcListenerAcceptsOnlyEcdheWithAeadSuites() throws Exception {
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_GRPC_PORT", "-1", "QLNN_TLS_CERT", server[0].toString(),
                "QLNN_TLS_KEY", server[1].toString()))) {
            int port = s.server.grpcPort().orElseThrow();
            java.util.List<String> accepted = new java.util.ArrayList<>();
            java.util.List<String> refused = new java.util.ArrayList<>();
            javax.net.ssl.SSLContext ctx = ca.clientContext(null);
            for (String suite : ctx.getSupportedSSLParameters().getCipherSuites()) {
                if (!suite.startsWith("TLS_") || suite.startsWith("TLS_AES") || suite.startsWith("TLS_CHACHA")
                        || suite.contains("SCSV")) {
                    continue; // TLS 1.3 suites and signalling values are not TLS 1.2 suites
                }
                try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                    SSLParameters p = sock.getSSLParameters();
                    p.setApplicationProtocols(new String[] {"h2"});
                    p.setProtocols(new String[] {"TLSv1.2"});
                    p.setCipherSuites(new String[] {suite});
                    sock.setSSLParameters(p);
                    sock.startHandshake();
                    accepted.add(suite);
                } catch (IOException e) {
                    refused.add(suite);
                } catch (IllegalArgumentException notOffered) {
                    // this client cannot offer it
                }
            }
            assertThat(accepted).isNotEmpty().allSatisfy(suite -> assertThat(suite).startsWith("TLS_ECDHE_")
                    .containsAnyOf("_GCM_", "_CHACHA20_POLY1305_"));
            assertThat(refused).as("CBC and finite-field DHE suites were offered and refused")
                    .anySatisfy(suite -> assertThat(suite).contains("_CBC_"))
                    .anySatisfy(suite -> assertThat(suite).startsWith("TLS_DHE_"));
            assertThat(live(s, true, false)).as("a gRPC client with the default suites still connects").isTrue();
        }
    }

    @Test
    void rotatedCertificateFilesAreServedOnTheGrpcListenerWithoutRestart() throws Exception {
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(server[0], cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(server[1], key, StandardCopyOption.REPLACE_EXISTING);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_GRPC_PORT", "-1", "QLNN_TLS_CERT", cert.toString(),
                "QLNN_TLS_KEY", key.toString(), "QLNN_SECRETS_POLL_S", "0.1"))) {
            int port = s.server.grpcPort().orElseThrow();
            assertThat(servedCertificate(port)).contains("qlnn-server-1");
            assertThat(live(s, true, false)).isTrue();
            Files.copy(server2[0], cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(server2[1], key, StandardCopyOption.REPLACE_EXISTING);
            Await.until("the rotated certificate is served", () -> servedCertificate(port).contains("qlnn-server-2"));
            assertThat(live(s, true, false)).isTrue();
        }
    }
}
