package dev.quantumliquid.server.grpc;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.http.RequestFilter;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.metrics.ServerMetrics;
import dev.quantumliquid.server.security.AccessControl;
import dev.quantumliquid.server.security.AccessControl.Caller;
import dev.quantumliquid.server.security.AccessControl.Route;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Wraps every gRPC call as the HTTP filters wrap a request: gives it an id and labels, applies the
 * same access control (API key from {@code authorization: Bearer} or {@code x-api-key} metadata,
 * roles, admin allowlist, rate limit, audit), and counts it in {@code quantum_liquid_requests_total}
 * with {@code protocol="grpc"} and the final status code.
 */
public final class GrpcGuard implements ServerInterceptor {
    /** The call's labels, for the handlers (model and version once resolved). */
    public static final Context.Key<RequestTags> TAGS = Context.key("qlnn-request-tags");
    /** Who called, for handlers that check again per streamed message or write the audit trail. */
    public static final Context.Key<Caller> CALLER = Context.key("qlnn-caller");

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> X_API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String SERVICE = "inference.GRPCInferenceService/";

    /** An RPC's endpoint label (the HTTP route's name where there is one) and what it needs. */
    private record Endpoint(String name, Route route) {
    }

    private static final Map<String, Endpoint> ENDPOINTS = Map.ofEntries(
            Map.entry(SERVICE + "ServerLive", new Endpoint("live", Route.OPEN)),
            Map.entry(SERVICE + "ServerReady", new Endpoint("ready_v2", Route.OPEN)),
            Map.entry("grpc.health.v1.Health/Check", new Endpoint("grpc_health", Route.OPEN)),
            Map.entry("grpc.health.v1.Health/Watch", new Endpoint("grpc_health", Route.OPEN)),
            Map.entry(SERVICE + "ModelReady", new Endpoint("model_ready", Route.INFERENCE)),
            Map.entry(SERVICE + "ServerMetadata", new Endpoint("server_metadata", Route.INFERENCE)),
            Map.entry(SERVICE + "ModelMetadata", new Endpoint("model_metadata", Route.INFERENCE)),
            Map.entry(SERVICE + "ModelInfer", new Endpoint("infer", Route.INFERENCE)),
            Map.entry(SERVICE + "ModelStreamInfer", new Endpoint("stream_infer", Route.INFERENCE)),
            Map.entry(SERVICE + "ModelConfig", new Endpoint("model_config", Route.INFERENCE)),
            Map.entry(SERVICE + "ModelStatistics", new Endpoint("model_stats", Route.INFERENCE)),
            Map.entry(SERVICE + "RepositoryIndex", new Endpoint("repository_index", Route.MANAGEMENT)),
            Map.entry(SERVICE + "RepositoryModelLoad", new Endpoint("repository_load", Route.MANAGEMENT)),
            Map.entry(SERVICE + "RepositoryModelUnload", new Endpoint("repository_unload", Route.MANAGEMENT)));
    private static final Endpoint UNMATCHED = new Endpoint("unmatched", Route.INFERENCE);

    private final AccessControl access;
    private final ServerMetrics metrics;
    private final GrpcErrors errors;

    public GrpcGuard(AccessControl access, ServerMetrics metrics, GrpcErrors errors) {
        this.access = access;
        this.metrics = metrics;
        this.errors = errors;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        long t0 = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        Endpoint endpoint = ENDPOINTS.getOrDefault(method, UNMATCHED);
        String id = Optional.ofNullable(headers.get(REQUEST_ID)).filter(s -> SANE_ID.matcher(s).matches())
                .orElseGet(RequestFilter::newId);
        RequestTags tags = new RequestTags(id).endpoint(endpoint.name());
        ServerCall<Q, A> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                metrics.request(ServerMetrics.GRPC, tags.model(), tags.version(), tags.endpoint(), status.getCode().name(),
                        (System.nanoTime() - t0) / 1e9);
                super.close(status, trailers);
            }
        };
        InetAddress client = AccessControl.client(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        Caller caller = new Caller(AccessControl.presentedKey(Optional.ofNullable(headers.get(AUTHORIZATION)),
                Optional.ofNullable(headers.get(X_API_KEY))), client, "POST", "/" + abbreviate(method), tags::keyId);
        try {
            access.admit(caller, endpoint.route());
        } catch (ServerException e) {
            StatusRuntimeException s = errors.status(e, tags);
            counted.close(s.getStatus(), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Context ctx = Context.current().withValue(TAGS, tags).withValue(CALLER, caller);
        return Contexts.interceptCall(ctx, counted, headers, next);
    }

    /** A message on an open stream passes the same checks as a call (a revoked key, the rate limit). */
    public void admitMessage(Caller caller) {
        access.admit(caller, Route.INFERENCE);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
