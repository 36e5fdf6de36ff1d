package dev.quantumliquid.server.tags;

import dev.quantumliquid.server.http.RequestFilter;
import io.helidon.webserver.http.ServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Labels of one request for the metrics and the log: its id, the endpoint that answered and, once
 * resolved, the model and version (left empty before, so unknown names never become label values).
 * Created by {@link RequestFilter} (and by the gRPC guard for each call); one per request, used by
 * the thread handling it.
 */
public final class RequestTags {
    private final String requestId;
    private String endpoint = "unmatched";
    private String model = "";
    private String version = "";
    private String keyId = "-";
    private byte[] body = new byte[0]; // kept for its digest, which only an error's log line needs
    private String inputSha256 = "";

    public RequestTags(String requestId) {
        this.requestId = requestId;
    }

    /** The tags of a request (a detached set when the filter did not run, as in a routing test). */
    public static RequestTags of(ServerRequest req) {
        return req.context().get(RequestTags.class).orElseGet(() -> new RequestTags("-"));
    }

    public RequestTags endpoint(String name) {
        this.endpoint = name;
        return this;
    }

    public RequestTags model(String name, long v) {
        this.model = name;
        this.version = Long.toString(v);
        return this;
    }

    /** The id of the API key that authenticated the request ("-" without one). */
    public RequestTags keyId(String id) {
        this.keyId = id;
        return this;
    }

    /** The request body, whose SHA-256 is the only trace of an input the log may carry. */
    public RequestTags body(byte[] bytes) {
        this.body = bytes;
        this.inputSha256 = "";
        return this;
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Who asks, as server-held sequences record their owner: "key:" and the API key id when a key
     * authenticated the request, else "ip:" and the client address.
     */
    public static String caller(ServerRequest req) {
        return caller(of(req).keyId, req.remotePeer().address() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "-");
    }

    /** As {@link #caller(ServerRequest)}, from the key id ("-" without one) and the client address (any protocol). */
    public static String caller(String keyId, String clientAddress) {
        return keyId.equals("-") ? "ip:" + clientAddress : "key:" + keyId;
    }

    /** The SHA-256 of the request body in hex ("" before a body was read), computed when first asked for. */
    public String inputSha256() {
        if (inputSha256.isEmpty() && body.length > 0) {
            inputSha256 = HexFormat.of().formatHex(sha256(body));
        }
        return inputSha256;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public String requestId() {
        return requestId;
    }

    public String endpoint() {
        return endpoint;
    }

    public String model() {
        return model;
    }

    public String version() {
        return version;
    }
}
