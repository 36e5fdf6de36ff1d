package dev.quantumliquid.server.simple;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.http.JsonIo;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.Names;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The deployment guide's {@code POST /inference}: {@code {"input": [...]}} is one step,
 * {@code {"inputs": [[...], ...]}} a sequence; optional {@code model} (required when several are
 * served), {@code version}, {@code state} (a continuation token) and {@code timespans}.
 */
public final class SimpleInferenceService implements HttpService {
    private final JsonIo json;
    private final ModelRepository repository;
    private final Inference inference;

    public SimpleInferenceService(JsonIo json, ModelRepository repository, Inference inference) {
        this.json = json;
        this.repository = repository;
        this.inference = inference;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/inference", this::infer);
    }

    /** A parsed body: the request, and whether it gave one step ('input') rather than a sequence ('inputs'). */
    record Parsed(InferenceRequest request, boolean single) {
    }

    private void infer(ServerRequest req, ServerResponse res) {
        RequestTags tags = RequestTags.of(req).endpoint("inference");
        Parsed parsed = parse(json.readObject(req), repository::readyModels);
        boolean single = parsed.single();
        Inference.Prepared p = inference.prepare(parsed.request(), RequestTags.caller(req));
        tags.model(p.served().name(), p.served().version());
        InferenceResult r = inference.run(p);
        json.send(res, g -> response(g, r, single));
    }

    /** The answer: output (one step's values, or one row per step), coherence, timing, model and the continuation. */
    private static void response(JsonGenerator g, InferenceResult r, boolean single) throws IOException {
        g.writeStartObject();
        float[][] y = r.output()[0];
        g.writeFieldName("output");
        if (single) {
            floats(g, y[0]);
        } else {
            g.writeStartArray();
            for (float[] step : y) {
                floats(g, step);
            }
            g.writeEndArray();
        }
        if (r.coherenceMean().isPresent()) {
            g.writeNumberField("quantum_coherence", r.coherenceMean().getAsDouble());
        } else {
            g.writeNullField("quantum_coherence");
        }
        g.writeBooleanField("low_coherence", r.lowCoherence());
        g.writeNumberField("inference_time_ms", r.inferenceMillis());
        g.writeBooleanField("cache_hit", r.cacheHit());
        g.writeStringField("model", r.model());
        g.writeStringField("version", Long.toString(r.version()));
        if (r.state().isPresent()) {
            g.writeStringField("state", r.state().get());
        } else {
            g.writeNullField("state");
        }
        g.writeNumberField("steps", r.steps());
        g.writeEndObject();
    }

    /** The body's fields (400 for anything malformed); {@code ready} lists the models served, for a body naming none. */
    static Parsed parse(ObjectNode body, Supplier<List<String>> ready) {
        boolean single = body.has("input");
        if (single == body.has("inputs")) {
            throw ServerException.badRequest("body: give either 'input' (one step) or 'inputs' (a sequence of steps)");
        }
        float[][] steps = single ? new float[][] {vector(body.get("input"), "input")} : matrix(body.get("inputs"), "inputs");
        float[][] dt = new float[0][];
        JsonNode ts = body.get("timespans");
        if (ts != null && !ts.isNull()) {
            float[] row = ts.isNumber() ? vector(JsonNodeFactory.instance.arrayNode().add(ts), "timespans")
                    : vector(ts, "timespans");
            dt = new float[][] {row};
        }
        String model = model(body, ready);
        OptionalLong version = OptionalLong.empty();
        JsonNode v = body.get("version");
        if (v != null && !v.isNull()) {
            version = OptionalLong.of(Names.requireVersion(model, v.isIntegralNumber() ? v.asText() : text(v, "version")));
        }
        StateSource state = StateSource.fresh();
        JsonNode st = body.get("state");
        if (st != null && !st.isNull()) {
            state = new StateSource.Token(text(st, "state"));
        }
        return new Parsed(new InferenceRequest(model, version, new float[][][] {steps}, dt, state), single);
    }

    /** The named model, else the only one served; 400 when it is ambiguous. */
    private static String model(ObjectNode body, Supplier<List<String>> served) {
        JsonNode m = body.get("model");
        if (m != null && !m.isNull()) {
            return Names.requireName("model", text(m, "model"));
        }
        List<String> ready = served.get();
        if (ready.size() == 1) {
            return ready.get(0);
        }
        if (ready.isEmpty()) {
            throw new ServerException(ServerException.Kind.NOT_READY, "no model is ready");
        }
        throw ServerException.badRequest("model: required when several models are served (" + String.join(", ", ready) + ")");
    }

    private static void floats(JsonGenerator g, float[] v) throws IOException {
        g.writeStartArray();
        for (float f : v) {
            g.writeNumber(f);
        }
        g.writeEndArray();
    }

    private static String text(JsonNode n, String field) {
        if (!n.isTextual()) {
            throw ServerException.badRequest(field + ": must be a string");
        }
        return n.asText();
    }

    private static float[] vector(JsonNode n, String field) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw ServerException.badRequest(field + ": must be a non-empty array of numbers");
        }
        float[] v = new float[n.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isNumber()) {
                throw ServerException.badRequest(field + "[" + i + "]: must be a number");
            }
            v[i] = (float) e.doubleValue();
            if (!Float.isFinite(v[i])) {
                throw ServerException.badRequest(field + "[" + i + "]: is not a finite float32");
            }
        }
        return v;
    }

    private static float[][] matrix(JsonNode n, String field) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw ServerException.badRequest(field + ": must be a non-empty array of steps (arrays of numbers)");
        }
        float[][] m = new float[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(n.get(i), field + "[" + i + "]");
        }
        return m;
    }
}
