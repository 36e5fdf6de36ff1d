package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.audit.Audit;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.repository.VersionStatus;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** OIP v2 model repository extension: index, load, unload. */
public final class OipRepositoryService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final Audit audit;

    public OipRepositoryService(JsonIo json, ModelRepository repository, Audit audit) {
        this.json = json;
        this.repository = repository;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v2/repository/index", this::index)
                .post("/v2/repository/models/{model}/load", this::load)
                .post("/v2/repository/models/{model}/unload", this::unload);
    }

    /** Every version with state and reason; {"ready": true} in the body keeps only ready ones. */
    private void index(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("repository_index");
        Optional<ObjectNode> body = json.readOptionalObject(req);
        boolean readyOnly = false;
        if (body.isPresent() && body.get().has("ready")) {
            JsonNode r = body.get().get("ready");
            if (!r.isBoolean()) {
                throw ServerException.badRequest("ready: must be true or false");
            }
            readyOnly = r.asBoolean();
        }
        ArrayNode out = json.object().arrayNode();
        for (VersionStatus v : repository.index()) {
            if (readyOnly && !v.ready()) {
                continue;
            }
            ObjectNode e = out.addObject().put("name", v.name()).put("version", Long.toString(v.version()))
                    .put("state", v.state().name()).put("reason", v.reason());
            v.served().ifPresent(s -> {
                s.power().ifPresentOrElse(p -> e.put("power_microwatts", p.microwatts()), () -> e.putNull("power_microwatts"));
                s.sparsity().ifPresentOrElse(x -> e.put("liquid_sparsity", x), () -> e.putNull("liquid_sparsity"));
            });
        }
        if (!readyOnly) {
            for (String name : repository.unloaded()) {
                out.addObject().put("name", name).put("state", "UNAVAILABLE").put("reason", "unloaded");
            }
        }
        json.send(res, out);
    }

    private void load(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("repository_load");
        audited(req, "load", () -> {
            String model = Names.requireName("model", req.path().pathParameters().get("model"));
            json.readOptionalObject(req).ifPresent(b -> requireOnlyParameters(b, Set.of()));
            repository.load(model);
        });
        json.send(res, json.object());
    }

    private void unload(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("repository_unload");
        audited(req, "unload", () -> {
            String model = Names.requireName("model", req.path().pathParameters().get("model"));
            // No model here depends on another (no ensembles), so unload_dependents changes nothing either way.
            json.readOptionalObject(req).ifPresent(b -> requireOnlyParameters(b, Set.of("unload_dependents")));
            repository.unload(model);
        });
        json.send(res, json.object());
    }

    /**
     * A load or unload body holds only {@code parameters}, of the names {@code allowed}; Triton's
     * load-time {@code config} and {@code file:} overrides are refused (a model version is its folder).
     */
    private static void requireOnlyParameters(ObjectNode body, Set<String> allowed) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!k.equals("parameters")) {
                throw ServerException.badRequest(OipCodec.abbreviate(k) + ": not supported (parameters)");
            }
        }
        JsonNode p = body.get("parameters");
        if (p == null || p.isNull()) {
            return;
        }
        if (!p.isObject()) {
            throw ServerException.badRequest("parameters: must be an object");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (k.equals("config") || k.startsWith("file:")) {
                throw ServerException.badRequest("parameters." + OipCodec.abbreviate(k) + ": loading with a configuration "
                        + "or files given in the request is not supported; a version is the folder in the repository");
            }
            if (!allowed.contains(k)) {
                throw ServerException.badRequest("parameters." + OipCodec.abbreviate(k) + ": not supported"
                        + (allowed.isEmpty() ? "" : " (" + String.join(", ", allowed) + ")"));
            }
            if (!p.get(k).isBoolean()) {
                throw ServerException.badRequest("parameters." + k + ": must be true or false");
            }
        }
    }

    /** Runs a management action and writes it, who asked and how it ended to the audit trail. */
    private void audited(ServerRequest req, String action, Runnable work) {
        String raw = req.path().pathParameters().first("model").orElse("");
        String model = Names.isValidName(raw) ? raw : "(invalid name)";
        String client = req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "-";
        String keyId = RequestTags.of(req).keyId();
        try {
            work.run();
        } catch (RuntimeException | Error e) { // an Error too: every management action leaves its audit line
            audit.management(action, model, client, keyId, "refused: " + e.getMessage());
            throw e;
        }
        audit.management(action, model, client, keyId, "ok");
    }
}
