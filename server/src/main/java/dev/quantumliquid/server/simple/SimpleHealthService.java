package dev.quantumliquid.server.simple;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.lifecycle.Lifecycle;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.inference.CoherenceTracker;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.VersionStatus;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The deployment guide's {@code GET /health} (always 200 while the process runs; status healthy or
 * degraded, with the reasons) and {@code GET /ready} (200 once a model is ready and the server is
 * not draining, else 503).
 */
public final class SimpleHealthService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final CoherenceTracker coherence;
    private final Lifecycle lifecycle;
    private final double threshold;
    private final Supplier<List<String>> storeProblems;

    /** {@code storeProblems}: why the copy of a bucket repository may be behind (listed as reasons; empty for a folder). */
    public SimpleHealthService(JsonIo json, ModelRepository repository, CoherenceTracker coherence, Lifecycle lifecycle,
            double threshold, Supplier<List<String>> storeProblems) {
        this.json = json;
        this.repository = repository;
        this.coherence = coherence;
        this.lifecycle = lifecycle;
        this.threshold = threshold;
        this.storeProblems = storeProblems;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::health).get("/ready", this::ready);
    }

    /**
     * Open to anyone, so it says status only: each version's state, never the reason (a reason may
     * name files; it goes to the log and to the authenticated repository index). Degraded when a
     * version is unavailable, no model is ready, the server drains, or a served version's calibration
     * probe coherence is below the threshold. The rolling mean over traffic is reported but does not
     * degrade health: clients choose their inputs, so it is theirs to steer.
     */
    private void health(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("health");
        List<String> reasons = new ArrayList<>();
        Map<String, Double> means = coherence.means();
        List<VersionStatus> index = repository.index();
        ObjectNode out = json.object();
        ArrayNode models = json.object().arrayNode();
        ObjectNode probes = json.object();
        for (VersionStatus v : index) {
            models.addObject().put("name", v.name()).put("version", Long.toString(v.version())).put("state", v.state().name());
            if (v.state() == VersionStatus.State.UNAVAILABLE) {
                reasons.add(v.name() + " version " + v.version() + " is unavailable (the repository index says why)");
            }
            if (v.ready() && v.served().isPresent() && v.served().get().probeCoherence().isPresent()) {
                double p = v.served().get().probeCoherence().getAsDouble();
                probes.put(v.name() + "/" + v.version(), p);
                if (p < threshold) {
                    reasons.add(String.format(Locale.ROOT, "%s version %d: calibration probe coherence %.3f is below "
                            + "QUANTUM_COHERENCE_THRESHOLD %.3f", v.name(), v.version(), p, threshold));
                }
            }
        }
        if (!repository.anyReady()) {
            reasons.add("no model is ready");
        }
        if (lifecycle.draining()) {
            reasons.add("draining (shutting down)");
        }
        reasons.addAll(storeProblems.get());
        out.put("status", reasons.isEmpty() ? "healthy" : "degraded");
        if (means.isEmpty()) {
            out.putNull("quantum_coherence");
        } else {
            out.put("quantum_coherence", means.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
        out.put("coherence_threshold", threshold);
        ObjectNode perModel = out.putObject("coherence_by_model");
        means.forEach(perModel::put);
        out.set("probe_coherence", probes);
        out.set("models", models);
        ArrayNode r = out.putArray("reasons");
        reasons.forEach(r::add);
        out.put("uptime_s", lifecycle.uptime().toMillis() / 1000.0);
        json.send(res, out);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        RequestTags.of(req).endpoint("ready");
        if (lifecycle.draining()) {
            throw new ServerException(Kind.NOT_READY, "server is draining (shutting down)");
        }
        if (!repository.anyReady()) {
            List<String> store = storeProblems.get();
            throw new ServerException(Kind.NOT_READY, "no model is ready" + (store.isEmpty() ? "" : ": " + String.join("; ", store)));
        }
        ObjectNode out = json.object().put("ready", true);
        ArrayNode m = out.putArray("models");
        repository.readyModels().forEach(m::add);
        json.send(res, out);
    }
}
