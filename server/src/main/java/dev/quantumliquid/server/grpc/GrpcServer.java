package dev.quantumliquid.server.grpc;

import dev.quantumliquid.server.config.Config;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.security.TlsFiles;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The gRPC listener (QLNN_GRPC_PORT): HTTP/2 in cleartext, or TLS 1.2/1.3 (with client certificates
 * under QLNN_TLS_CLIENT_CA) from the same files as HTTP, replaced in place when they rotate. Serves
 * the given services behind the {@link GrpcGuard} and the standard {@code grpc.health.v1.Health}
 * service, whose status (for {@code ""} and every service) is SERVING while {@code ready} holds;
 * it is recomputed on every health call, so probes never see a stale answer.
 */
public final class GrpcServer implements AutoCloseable {
    private final Server server;
    private final ExecutorService executor;
    private final HealthStatusManager health;
    private final Optional<Managers> tls;
    private final BooleanSupplier ready;
    private final String[] services;

    /** The TLS key and trust managers the listener reads on every handshake. */
    private record Managers(AdvancedTlsX509KeyManager keys, Optional<AdvancedTlsX509TrustManager> trust) {
    }

    private GrpcServer(Server server, ExecutorService executor, HealthStatusManager health, Optional<Managers> tls,
            BooleanSupplier ready, String[] services) {
        this.server = server;
        this.executor = executor;
        this.health = health;
        this.tls = tls;
        this.ready = ready;
        this.services = services;
    }

    /** Binds and starts; a CONFIG error naming QLNN_GRPC_PORT when it cannot listen. */
    public static GrpcServer start(Config config, GrpcGuard guard, Optional<TlsFiles.Material> material, BooleanSupplier ready,
            BindableService... services) {
        HealthStatusManager health = new HealthStatusManager();
        Optional<Managers> tls = material.map(GrpcServer::managers);
        // Calls run on virtual threads, as HTTP requests do; inference itself is bounded by the worker pool.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
                .executor(executor)
                .maxInboundMessageSize((int) Math.min(config.maxBodyBytes(), Integer.MAX_VALUE))
                .maxInboundMetadataSize(config.maxHeaderBytes());
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
                SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(m.keys()))
                        .protocols(TlsFiles.PROTOCOLS.toArray(String[]::new));
                m.trust().ifPresent(t -> ssl.trustManager(t).clientAuth(ClientAuth.REQUIRE));
                b.sslContext(ssl.build());
            } catch (IOException e) {
                throw new ServerException(Kind.CONFIG, "QLNN_TLS_CERT: the gRPC listener cannot use it (" + e.getMessage() + ")");
            }
        });
        Server server = b.build();
        GrpcServer g = new GrpcServer(server, executor, health, tls, ready, names);
        g.refreshHealth();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw new ServerException(Kind.CONFIG, "QLNN_GRPC_PORT: cannot listen on " + config.host() + ":" + config.grpcPort()
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
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop(Duration.ofMillis(500));
    }
}
