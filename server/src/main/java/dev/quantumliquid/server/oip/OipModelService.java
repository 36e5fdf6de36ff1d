package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.ModelStatistics;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.repository.VersionStatus;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * OIP v2 model resource: metadata, readiness and inference of a model or one of its versions, and
 * Triton's model configuration and statistics extensions.
 */
public final class OipModelService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final Inference inference;
    private final ModelStatistics statistics;
    private final int maxBatch;
    private final Duration sessionIdle;

    /**
     * @param maxBatch QLNN_MAX_BATCH and {@code sessionIdle} QLNN_SESSION_IDLE_S, as the model
     *     configuration reports them
     */
    public OipModelService(JsonIo json, ModelRepository repository, Inference inference, ModelStatistics statistics,
            int maxBatch, Duration sessionIdle) {
        this.json = json;
        this.repository = repository;
        this.inference = inference;
        this.statistics = statistics;
        this.maxBatch = maxBatch;
        this.sessionIdle = sessionIdle;
    }

    @Override
    public void routing(HttpRules rules) {
        // The statistics of all models first: "stats" would otherwise be taken for a model's name.
        rules.get("/v2/models/stats", this::stats)
                .get("/v2/models/{model}", this::metadata)
                .get("/v2/models/{model}/versions/{version}", this::metadata)
                .get("/v2/models/{model}/ready", this::ready)
                .get("/v2/models/{model}/versions/{version}/ready", this::ready)
                .get("/v2/models/{model}/config", this::config)
                .get("/v2/models/{model}/versions/{version}/config", this::config)
                .get("/v2/models/{model}/stats", this::stats)
                .get("/v2/models/{model}/versions/{version}/stats", this::stats)
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
        json.send(res, OipDescriptions.metadata(json.object(), model, ready, served));
    }

    private void ready(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("model_ready");
        String model = model(req);
        ServedModel served = repository.resolve(model, version(req, model));
        tags.model(served.name(), served.version());
        json.send(res, json.object().put("name", model).put("version", Long.toString(served.version())).put("ready", true));
    }

    private void config(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("model_config");
        String model = model(req);
        ServedModel served = repository.resolve(model, version(req, model));
        tags.model(served.name(), served.version());
        json.send(res, OipDescriptions.config(json.object(), ModelConfiguration.of(served, maxBatch, sessionIdle)));
    }

    /** Every ready version of every model, of one model, or one version. */
    private void stats(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("model_stats");
        List<VersionStatus> versions;
        if (!req.path().pathParameters().contains("model")) {
            versions = repository.index();
        } else {
            String model = model(req);
            OptionalLong version = version(req, model);
            versions = repository.statuses(model);
            if (version.isPresent() || versions.stream().noneMatch(VersionStatus::ready)) {
                ServedModel served = repository.resolve(model, version); // 404 or 503 with the reason
                tags.model(served.name(), served.version());
                versions = List.of(new VersionStatus(model, served.version(), VersionStatus.State.READY, "",
                        java.util.Optional.of(served)));
            }
        }
        List<ModelStatistics.Snapshot> snapshots = versions.stream().filter(VersionStatus::ready)
                .map(v -> statistics.snapshot(v.name(), v.version())).toList();
        json.send(res, OipDescriptions.statistics(json.object(), snapshots));
    }

    private void infer(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("infer");
        String model = model(req);
        OptionalLong version = version(req, model);
        InferBody body = InferBody.read(json, req);
        OipCodec.Parsed parsed = OipCodec.parseInfer(body.header(), body.bytes(), body.binaryStart(), model, version);
        Inference.Prepared p = inference.prepare(parsed.request(), RequestTags.caller(req));
        tags.model(p.served().name(), p.served().version());
        OipResponses.checkClassification(parsed, model, p.served().model().outputSize());
        InferenceResult r = inference.run(p);
        List<String> labels = p.served().model().info().outputNames();
        ByteArrayBuilder binary = new ByteArrayBuilder(0);
        byte[] head = json.write(g -> OipResponses.infer(g, binary, r, parsed, labels));
        if (binary.size() == 0) {
            json.sendBytes(res, head);
            return;
        }
        byte[] all = new byte[head.length + binary.size()];
        System.arraycopy(head, 0, all, 0, head.length);
        byte[] tail = binary.toByteArray();
        System.arraycopy(tail, 0, all, head.length, tail.length);
        res.status(Status.OK_200);
        res.header(InferBody.HEADER_LENGTH, Integer.toString(head.length));
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.send(all);
    }
}
