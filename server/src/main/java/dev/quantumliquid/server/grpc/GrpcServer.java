package dev.quantumliquid.server.grpc;

import dev.quantumliquid.server.http.HttpSettings;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.security.TlsFiles;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Server;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The gRPC listener (QLNN_GRPC_PORT): HTTP/2 in cleartext, or TLS 1.2/1.3 (with client certificates
 * under QLNN_TLS_CLIENT_CA) from the same files as HTTP, replaced in place when they rotate. Serves
 * the given services behind the {@link GrpcGuard} and the standard {@code grpc.health.v1.Health}
 * service, whose status (for {@code ""} and every service) is SERVING while {@code ready} holds;
 * it is recomputed on every health call, so probes never see a stale answer.
 *
 * <p>Calls run where {@link GrpcExecutors} says (the event loop, or virtual threads for what may
 * block). The stream flow-control window is fixed at {@value #FLOW_CONTROL_WINDOW} bytes: grpc-java's
 * automatic window tuning sends a PING with the first DATA frame of a call whenever none is
 * outstanding, which for small unary calls means a PING and its ACK per call.
 */
public final class GrpcServer implements AutoCloseable {
    /** Bytes a stream (and the connection) may receive before the server acknowledges them; grpc-java's default. */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;

    private final Server server;
    private final GrpcExecutors executors;
    private final HealthStatusManager health;
    private final Optional<Managers> tls;
    private final BooleanSupplier ready;
    private final String[] services;

    /** The TLS key and trust managers the listener reads on every handshake. */
    private record Managers(AdvancedTlsX509KeyManager keys, Optional<AdvancedTlsX509TrustManager> trust) {
    }

    private GrpcServer(Server server, GrpcExecutors executors, HealthStatusManager health, Optional<Managers> tls,
            BooleanSupplier ready, String[] services) {
        this.server = server;
        this.executors = executors;
        this.health = health;
        this.tls = tls;
        this.ready = ready;
        this.services = services;
    }

    /**
     * Binds and starts; a CONFIG error naming QLNN_GRPC_PORT when it cannot listen. The server owns
     * {@code executors} from here on and closes them when it stops.
     */
    public static GrpcServer start(GrpcSettings settings, HttpSettings limits, GrpcGuard guard, GrpcExecutors executors,
            Optional<TlsFiles.Material> material, BooleanSupplier ready, BindableService... services) {
        HealthStatusManager health = new HealthStatusManager();
        Optional<Managers> tls = material.map(GrpcServer::managers);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(limits.host(), settings.bindPort()))
                .directExecutor()
                .callExecutor(new ServerCallExecutorSupplier() {
                    @Override
                    public <Q, A> Executor getExecutor(ServerCall<Q, A> call, Metadata metadata) {
                        return executors.forMethod(call.getMethodDescriptor().getFullMethodName());
                    }
                })
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .maxInboundMessageSize((int) Math.min(limits.maxBodyBytes(), Integer.MAX_VALUE))
                .maxInboundMetadataSize(limits.maxHeaderBytes());
        String[] names = new String[services.length];
        for (int i = 0; i < services.length; i++) {
            names[i] = services[i].bindService().getServiceDescriptor().getName();
            b.addService(ServerInterceptors.intercept(services[i], guard));
        }
        ServerInterceptor refresh = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                refresh(health, ready, names);
                return next.startCall(call, headers);
            }
        };
        b.addService(ServerInterceptors.intercept(health.getHealthService(), refresh, guard));
        tls.ifPresent(m -> {
            try {
                // The TLS 1.2 and 1.3 suites HTTP offers: one list for both listeners.
                SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(m.keys()))
                        .protocols(TlsFiles.PROTOCOLS.toArray(String[]::new))
                        .ciphers(TlsFiles.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
                m.trust().ifPresent(t -> ssl.trustManager(t).clientAuth(ClientAuth.REQUIRE));
                b.sslContext(ssl.build());
            } catch (IOException e) {
                throw new ServerException(Kind.CONFIG, "QLNN_TLS_CERT: the gRPC listener cannot use it (" + e.getMessage() + ")");
            }
        });
        Server server = b.build();
        GrpcServer g = new GrpcServer(server, executors, health, tls, ready, names);
        g.refreshHealth();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executors.close();
            throw new ServerException(Kind.CONFIG, GrpcSettings.PORT.name() + ": cannot listen on " + limits.host() + ":" + settings.bindPort()
                    + " (" + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
        }
        return g;
    }

    private static Managers managers(TlsFiles.Material m) {
        AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
        Optional<AdvancedTlsX509TrustManager> trust = Optional.empty();
        if (!m.clientCas().isEmpty()) {
            try {
                trust = Optional.of(AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION).build());
            } catch (GeneralSecurityException e) {
                throw new ServerException(Kind.CONFIG, "QLNN_TLS_CLIENT_CA: " + e.getMessage());
            }
        }
        Managers managers = new Managers(keys, trust);
        install(managers, m);
        return managers;
    }

    private static void install(Managers managers, TlsFiles.Material m) {
        managers.keys().updateIdentityCredentials(m.chain().toArray(X509Certificate[]::new), m.key());
        if (managers.trust().isPresent()) {
            try {
                managers.trust().get().updateTrustCredentials(m.clientCas().toArray(X509Certificate[]::new));
            } catch (IOException | GeneralSecurityException e) {
                throw new ServerException(Kind.CONFIG, "QLNN_TLS_CLIENT_CA: " + e.getMessage());
            }
        }
    }

    /** New certificate, key and client CAs (rotated files): handshakes from now on use them. */
    public void reloadTls(TlsFiles.Material m) {
        tls.ifPresent(managers -> install(managers, m));
    }

    /** SERVING or NOT_SERVING for the whole server and each service, from {@code ready}. */
    public void refreshHealth() {
        refresh(health, ready, services);
    }

    private static void refresh(HealthStatusManager health, BooleanSupplier ready, String[] services) {
        ServingStatus s = ready.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, s);
        for (String name : services) {
            health.setStatus(name, s);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Stops taking calls, lets running ones finish within {@code grace}, then cuts the rest. */
    public void stop(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executors.close();
    }

    @Override
    public void close() {
        stop(Duration.ofMillis(500));
    }
}
