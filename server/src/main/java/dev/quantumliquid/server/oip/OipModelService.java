package dev.quantumliquid.server.oip;

import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.http.RequestTags;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.repository.VersionStatus;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.OptionalLong;

/** OIP v2 model resource: metadata, readiness and inference of a model or one of its versions. */
public final class OipModelService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final Inference inference;

    public OipModelService(JsonIo json, ModelRepository repository, Inference inference) {
        this.json = json;
        this.repository = repository;
        this.inference = inference;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v2/models/{model}", this::metadata)
                .get("/v2/models/{model}/versions/{version}", this::metadata)
                .get("/v2/models/{model}/ready", this::ready)
                .get("/v2/models/{model}/versions/{version}/ready", this::ready)
                .post("/v2/models/{model}/infer", this::infer)
                .post("/v2/models/{model}/versions/{version}/infer", this::infer);
    }

    private static String model(ServerRequest req) {
        return Names.requireName("model", req.path().pathParameters().get("model"));
    }

    private static OptionalLong version(ServerRequest req, String model) {
        var p = req.path().pathParameters();
        return p.contains("version") ? OptionalLong.of(Names.requireVersion(model, p.get("version"))) : OptionalLong.empty();
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("model_metadata");
        String model = model(req);
        ServedModel served = repository.resolve(model, version(req, model));
        tags.model(served.name(), served.version());
        List<Long> ready = repository.statuses(model).stream().filter(VersionStatus::ready).map(VersionStatus::version).toList();
        json.send(res, OipCodec.metadata(json.object(), model, ready, served));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("model_ready");
        String model = model(req);
        ServedModel served = repository.resolve(model, version(req, model));
        tags.model(served.name(), served.version());
        json.send(res, json.object().put("name", model).put("version", Long.toString(served.version())).put("ready", true));
    }

    private void infer(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("infer");
        String model = model(req);
        OptionalLong version = version(req, model);
        OipCodec.Parsed parsed = OipCodec.parseInfer(json.readObject(req), model, version);
        Inference.Prepared p = inference.prepare(parsed.request(), RequestTags.caller(req));
        tags.model(p.served().name(), p.served().version());
        InferenceResult r = inference.run(p);
        json.send(res, g -> OipCodec.inferResponse(g, r, parsed));
    }
}
