package dev.quantumliquid.server.http;

import io.helidon.webserver.http.ServerRequest;

/**
 * Labels of one request for the metrics and the log: its id, the endpoint that answered and, once
 * resolved, the model and version (left empty before, so unknown names never become label values).
 * Created by {@link RequestFilter}; one per request, used by the thread handling it.
 */
public final class RequestTags {
    private final String requestId;
    private String endpoint = "unmatched";
    private String model = "";
    private String version = "";
    private String keyId = "-";
    private String inputSha256 = "";

    RequestTags(String requestId) {
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

    /** The SHA-256 of the request body, the only trace of an input the log may carry. */
    public RequestTags inputSha256(String hex) {
        this.inputSha256 = hex;
        return this;
    }

    public String keyId() {
        return keyId;
    }

    public String inputSha256() {
        return inputSha256;
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
