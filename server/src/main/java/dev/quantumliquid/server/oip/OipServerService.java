package dev.quantumliquid.server.oip;

import dev.quantumliquid.server.lifecycle.Lifecycle;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.repository.ModelRepository;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** OIP v2 server resource: metadata ({@code GET /v2}), liveness and readiness. */
public final class OipServerService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final Lifecycle lifecycle;
    private final String version;

    public OipServerService(JsonIo json, ModelRepository repository, Lifecycle lifecycle, String version) {
        this.json = json;
        this.repository = repository;
        this.lifecycle = lifecycle;
        this.version = version;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v2", this::metadata)
                .get("/v2/", this::metadata)
                .get("/v2/health/live", this::live)
                .get("/v2/health/ready", this::ready);
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("server_metadata");
        var root = json.object().put("name", "quantum-liquid").put("version", version);
        root.putArray("extensions").add("binary_tensor_data").add("classification").add("model_configuration")
                .add("model_repository").add("sequence").add("state_token").add("statistics");
        json.send(res, root);
    }

    private void live(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("live");
        json.send(res, json.object().put("live", true));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("ready_v2");
        if (lifecycle.draining()) {
            throw new ServerException(Kind.NOT_READY, "server is draining (shutting down)");
        }
        if (!repository.anyReady()) {
            throw new ServerException(Kind.NOT_READY, "no model is ready");
        }
        json.send(res, json.object().put("ready", true));
    }
}
