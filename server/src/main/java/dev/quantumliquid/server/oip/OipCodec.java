package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.repository.ServedModel;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Open Inference Protocol v2 bodies: the infer request (tensor {@code input} FP32 [B,T,F], [T,F] or
 * [F], optional {@code timespans} FP32 [B,T] or [T], flat or nested data; parameters {@code state},
 * {@code sequence_id}, {@code sequence_start}, {@code sequence_end}) and the infer response.
 */
final class OipCodec {
    static final String INPUT = "input";
    static final String TIMESPANS = "timespans";
    static final String OUTPUT = "output";
    static final String COHERENCE = "coherence";

    /** A parsed infer request: what to run, the id to echo and the outputs asked for (empty: all). */
    record Parsed(InferenceRequest request, Optional<String> id, Set<String> outputs, Optional<String> sequenceId) {
    }

    private record Tensor(int[] shape, float[] data) {
    }

    private OipCodec() {
    }

    static Parsed parseInfer(ObjectNode body, String model, OptionalLong version) {
        Optional<String> id = Optional.empty();
        JsonNode idn = body.get("id");
        if (idn != null && !idn.isNull()) {
            if (!idn.isTextual() || idn.asText().length() > 256) {
                throw ServerException.badRequest("id: must be a string of at most 256 characters");
            }
            id = Optional.of(idn.asText());
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServerException.badRequest("inputs: must be a non-empty array of tensors");
        }
        Tensor input = null;
        Tensor timespans = null;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode t = inputs.get(i);
            String where = "inputs[" + i + "]";
            if (!t.isObject()) {
                throw ServerException.badRequest(where + ": must be an object");
            }
            JsonNode name = t.get("name");
            if (name == null || !name.isTextual()) {
                throw ServerException.badRequest(where + ".name: required (input or timespans)");
            }
            switch (name.asText()) {
                case INPUT -> {
                    if (input != null) {
                        throw ServerException.badRequest("inputs: tensor 'input' given twice");
                    }
                    input = tensor(t, INPUT, 1, 3);
                }
                case TIMESPANS -> {
                    if (timespans != null) {
                        throw ServerException.badRequest("inputs: tensor 'timespans' given twice");
                    }
                    timespans = tensor(t, TIMESPANS, 1, 2);
                }
                default -> throw ServerException.badRequest(where + ".name: unknown tensor '" + abbreviate(name.asText())
                        + "' (this model takes input and timespans)");
            }
        }
        if (input == null) {
            throw ServerException.badRequest("inputs: tensor 'input' is required");
        }
        float[][][] x = toBatch(input);
        float[][] dt = timespans == null ? new float[0][] : toTimespans(timespans, x.length, x[0].length);
        Parameters p = new Parameters(body.get("parameters"));
        StateSource state = StateSource.fresh();
        Optional<String> seq = p.sequenceId();
        Optional<String> token = p.text("state");
        if (seq.isPresent() && token.isPresent()) {
            throw ServerException.badRequest("parameters: give either state or sequence_id, not both");
        }
        if (seq.isPresent()) {
            state = new StateSource.Sequence(seq.get(), p.bool("sequence_start"), p.bool("sequence_end"));
        } else if (token.isPresent()) {
            state = new StateSource.Token(token.get());
        } else if (p.bool("sequence_start") || p.bool("sequence_end")) {
            throw ServerException.badRequest("parameters: sequence_start and sequence_end need a sequence_id");
        }
        Set<String> outputs = new LinkedHashSet<>();
        JsonNode outs = body.get("outputs");
        if (outs != null && !outs.isNull()) {
            if (!outs.isArray()) {
                throw ServerException.badRequest("outputs: must be an array of {\"name\": ...}");
            }
            for (JsonNode o : outs) {
                JsonNode n = o.get("name");
                if (n == null || !n.isTextual() || !(n.asText().equals(OUTPUT) || n.asText().equals(COHERENCE))) {
                    throw ServerException.badRequest("outputs: unknown output " + abbreviate(String.valueOf(n))
                            + " (output, coherence)");
                }
                outputs.add(n.asText());
            }
        }
        return new Parsed(new InferenceRequest(model, version, x, dt, state), id, outputs, seq);
    }

    private static Tensor tensor(JsonNode t, String name, int minRank, int maxRank) {
        JsonNode dtype = t.get("datatype");
        if (dtype == null || !dtype.isTextual() || !dtype.asText().equals("FP32")) {
            throw ServerException.badRequest(name + ".datatype: must be FP32, got " + abbreviate(String.valueOf(dtype)));
        }
        JsonNode params = t.get("parameters");
        if (params != null && params.has("binary_data_size")) {
            throw ServerException.badRequest(name + ": binary tensor data is not supported; send JSON data");
        }
        JsonNode sn = t.get("shape");
        if (sn == null || !sn.isArray() || sn.size() < minRank || sn.size() > maxRank) {
            throw ServerException.badRequest(name + ".shape: must be an array of " + minRank + ".." + maxRank + " dimensions");
        }
        int[] shape = new int[sn.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sn.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 1) {
                throw ServerException.badRequest(name + ".shape[" + i + "]: must be a positive integer, got "
                        + abbreviate(d.toString()));
            }
            shape[i] = d.asInt();
            count *= shape[i]; // at most 2^31 * 2^31: no overflow, checked below before the next factor
            if (count > Integer.MAX_VALUE) {
                throw ServerException.badRequest(name + ".shape: " + Arrays.toString(Arrays.copyOf(shape, i + 1))
                        + " describes more than 2^31 values");
            }
        }
        JsonNode data = t.get("data");
        if (data == null || !data.isArray()) {
            throw ServerException.badRequest(name + ".data: must be an array of numbers (flat or nested)");
        }
        FloatList out = new FloatList();
        flatten(data, name, out, 0);
        if (out.size != count) {
            throw ServerException.badRequest(name + ".data: " + out.size + " values, shape " + Arrays.toString(shape)
                    + " needs " + count);
        }
        return new Tensor(shape, out.trimmed());
    }

    private static void flatten(JsonNode n, String name, FloatList out, int depth) {
        if (depth > 4) {
            throw ServerException.badRequest(name + ".data: nested deeper than the shape allows");
        }
        for (JsonNode e : n) {
            if (e.isArray()) {
                flatten(e, name, out, depth + 1);
            } else if (e.isNumber()) {
                float f = (float) e.doubleValue();
                if (!Float.isFinite(f)) {
                    throw ServerException.badRequest(name + ".data: value " + out.size + " (" + abbreviate(e.toString())
                            + ") is not a finite float32");
                }
                out.add(f);
            } else {
                throw ServerException.badRequest(name + ".data: value " + out.size + " is " + abbreviate(e.toString())
                        + ", not a number");
            }
        }
    }

    private static float[][][] toBatch(Tensor t) {
        int[] s = t.shape();
        int b = s.length == 3 ? s[0] : 1;
        int steps = s.length >= 2 ? s[s.length - 2] : 1;
        int f = s[s.length - 1];
        float[][][] x = new float[b][steps][f];
        int i = 0;
        for (int bi = 0; bi < b; bi++) {
            for (int k = 0; k < steps; k++) {
                System.arraycopy(t.data(), i, x[bi][k], 0, f);
                i += f;
            }
        }
        return x;
    }

    /** [B,T] as given, or [T] applied to every sequence. */
    private static float[][] toTimespans(Tensor t, int batch, int steps) {
        int[] s = t.shape();
        if (s[s.length - 1] != steps || (s.length == 2 && s[0] != batch)) {
            throw ServerException.badRequest("timespans.shape: " + Arrays.toString(s) + " does not match input ["
                    + batch + ", " + steps + "] (give [B, T] or [T])");
        }
        float[][] dt = new float[batch][steps];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(t.data(), s.length == 2 ? b * steps : 0, dt[b], 0, steps);
        }
        return dt;
    }

    /** The infer response, written straight to the generator (field by field what a tree of it would serialise to). */
    static void inferResponse(JsonGenerator g, InferenceResult r, Parsed p) throws IOException {
        g.writeStartObject();
        g.writeStringField("model_name", r.model());
        g.writeStringField("model_version", Long.toString(r.version()));
        if (p.id().isPresent()) {
            g.writeStringField("id", p.id().get());
        }
        g.writeObjectFieldStart("parameters");
        if (r.coherenceMean().isPresent()) {
            g.writeNumberField("coherence_mean", r.coherenceMean().getAsDouble());
        }
        g.writeBooleanField("low_coherence", r.lowCoherence());
        if (r.state().isPresent()) {
            g.writeStringField("state", r.state().get());
        }
        g.writeNumberField("steps", r.steps());
        g.writeBooleanField("cache_hit", r.cacheHit());
        g.writeNumberField("inference_time_ms", r.inferenceMillis());
        if (p.sequenceId().isPresent()) {
            g.writeStringField("sequence_id", p.sequenceId().get());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("outputs");
        float[][][] y = r.output();
        int b = y.length;
        int t = y[0].length;
        int o = y[0][0].length;
        if (p.outputs().isEmpty() || p.outputs().contains(OUTPUT)) {
            g.writeStartObject();
            g.writeStringField("name", OUTPUT);
            g.writeStringField("datatype", "FP32");
            g.writeArrayFieldStart("shape");
            g.writeNumber(b);
            g.writeNumber(t);
            g.writeNumber(o);
            g.writeEndArray();
            g.writeArrayFieldStart("data");
            for (float[][] seq : y) {
                for (float[] step : seq) {
                    for (float v : step) {
                        g.writeNumber(v);
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        if (r.coherence().isPresent() && (p.outputs().isEmpty() || p.outputs().contains(COHERENCE))) {
            g.writeStartObject();
            g.writeStringField("name", COHERENCE);
            g.writeStringField("datatype", "FP32");
            g.writeArrayFieldStart("shape");
            g.writeNumber(b);
            g.writeNumber(t);
            g.writeEndArray();
            g.writeArrayFieldStart("data");
            for (float[] row : r.coherence().get()) {
                for (float v : row) {
                    g.writeNumber(v);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Model metadata: name, versions, platform, inputs and outputs with their shapes. */
    static ObjectNode metadata(ObjectNode root, String name, List<Long> versions, ServedModel served) {
        Model m = served.model();
        root.put("name", name);
        ArrayNode vs = root.putArray("versions");
        versions.forEach(v -> vs.add(Long.toString(v)));
        root.put("platform", "qlnn");
        ArrayNode in = root.putArray("inputs");
        ObjectNode x = in.addObject().put("name", INPUT).put("datatype", "FP32");
        x.putArray("shape").add(-1).add(-1).add(m.inputSize());
        ObjectNode dt = in.addObject().put("name", TIMESPANS).put("datatype", "FP32");
        dt.putArray("shape").add(-1).add(-1);
        dt.putObject("parameters").put("optional", true);
        ArrayNode out = root.putArray("outputs");
        ObjectNode y = out.addObject().put("name", OUTPUT).put("datatype", "FP32");
        y.putArray("shape").add(-1).add(-1).add(m.outputSize());
        if (m.hasCoherence()) {
            ObjectNode c = out.addObject().put("name", COHERENCE).put("datatype", "FP32");
            c.putArray("shape").add(-1).add(-1);
        }
        ObjectNode params = root.putObject("parameters");
        params.put("version", Long.toString(served.version()));
        params.put("description", m.info().description());
        ArrayNode names = params.putArray("output_names");
        m.info().outputNames().forEach(names::add);
        params.put("sample_rate_hz", m.info().sampleRateHz());
        params.put("recurrent", m.stateSize() > 0);
        params.put("state_size", m.stateSize());
        params.put("quantum", m.hasCoherence());
        params.put("qubits", m.qubits());
        params.put("parameter_count", m.parameterCount());
        served.sparsity().ifPresentOrElse(s -> params.put("liquid_sparsity", s), () -> params.putNull("liquid_sparsity"));
        served.power().ifPresentOrElse(p -> {
            params.put("power_microwatts", p.microwatts());
            params.put("energy_microjoules_per_step", p.microjoulesPerStep());
        }, () -> {
            params.putNull("power_microwatts");
            params.putNull("energy_microjoules_per_step");
        });
        return root;
    }

    /** The request's "parameters" object (Triton-style). */
    private static final class Parameters {
        private final JsonNode p;

        Parameters(JsonNode p) {
            if (p != null && !p.isNull() && !p.isObject()) {
                throw ServerException.badRequest("parameters: must be an object");
            }
            this.p = p == null || p.isNull() ? null : p;
        }

        Optional<String> text(String name) {
            JsonNode n = p == null ? null : p.get(name);
            if (n == null || n.isNull()) {
                return Optional.empty();
            }
            if (!n.isTextual() || n.asText().isEmpty()) {
                throw ServerException.badRequest("parameters." + name + ": must be a non-empty string");
            }
            return Optional.of(n.asText());
        }

        boolean bool(String name) {
            JsonNode n = p == null ? null : p.get(name);
            if (n == null || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                throw ServerException.badRequest("parameters." + name + ": must be true or false");
            }
            return n.asBoolean();
        }

        /** Triton's sequence_id: an unsigned integer (0 means none) or a string. */
        Optional<String> sequenceId() {
            JsonNode n = p == null ? null : p.get("sequence_id");
            if (n == null || n.isNull()) {
                return Optional.empty();
            }
            if (n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0) {
                return n.asLong() == 0 ? Optional.empty() : Optional.of(Long.toString(n.asLong()));
            }
            if (n.isTextual() && !n.asText().isEmpty() && n.asText().length() <= 128) {
                return Optional.of(n.asText());
            }
            throw ServerException.badRequest("parameters.sequence_id: must be a non-negative integer or a string of 1..128 "
                    + "characters");
        }
    }

    /** A growable float array (the JSON data of one tensor). */
    private static final class FloatList {
        private float[] a = new float[64];
        private int size;

        void add(float f) {
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = f;
        }

        float[] trimmed() {
            return Arrays.copyOf(a, size);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
