package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.tensor.TensorDatatype;
import dev.quantumliquid.server.tensor.TensorValues;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Open Inference Protocol v2 infer requests: tensor {@code input} [B,T,F], [T,F] or [F] and optional
 * {@code timespans} [B,T] or [T], of any numeric datatype, as JSON data (flat or nested) or as
 * Triton binary tensor data; the request parameters {@code state}, {@code sequence_id},
 * {@code sequence_start}, {@code sequence_end}, {@code timeout}, {@code priority} (0 only) and
 * {@code binary_data_output}; per output {@code binary_data}, {@code classification} and
 * {@code datatype} (FP32 or FP64). Anything else a client may set is refused with a 400 naming it,
 * so that no option is silently ignored.
 */
final class OipCodec {
    static final String INPUT = ModelConfiguration.INPUT;
    static final String TIMESPANS = ModelConfiguration.TIMESPANS;
    static final String OUTPUT = ModelConfiguration.OUTPUT;
    static final String COHERENCE = ModelConfiguration.COHERENCE;

    /**
     * A parsed infer request.
     *
     * @param id the id to echo
     * @param outputs the outputs asked for, in order; empty for all of them, as {@code binaryDefault} says
     * @param binaryDefault {@code binary_data_output}: outputs not asked for by name are binary
     */
    record Parsed(InferenceRequest request, Optional<String> id, List<OipOptions.Output> outputs, boolean binaryDefault,
            Optional<String> sequenceId) {
        /** What to return for a result that has coherence or not. */
        List<OipOptions.Output> resolved(boolean hasCoherence) {
            if (!outputs.isEmpty()) {
                return outputs;
            }
            List<OipOptions.Output> all = new ArrayList<>();
            all.add(new OipOptions.Output(OUTPUT, binaryDefault, TensorDatatype.FP32, 0));
            if (hasCoherence) {
                all.add(new OipOptions.Output(COHERENCE, binaryDefault, TensorDatatype.FP32, 0));
            }
            return all;
        }
    }

    private OipCodec() {
    }

    /** A JSON-only infer request (no binary part). */
    static Parsed parseInfer(ObjectNode body, String model, OptionalLong version) {
        return parseInfer(body, new byte[0], 0, model, version);
    }

    /**
     * An infer request whose JSON header is {@code header}; inputs with a {@code binary_data_size}
     * take their bytes, in order, from {@code bytes[binaryStart, bytes.length)}, which they must use up.
     */
    static Parsed parseInfer(ObjectNode header, byte[] bytes, int binaryStart, String model, OptionalLong version) {
        Optional<String> id = Optional.empty();
        JsonNode idn = header.get("id");
        if (idn != null && !idn.isNull()) {
            if (!idn.isTextual() || idn.asText().length() > 256) {
                throw ServerException.badRequest("id: must be a string of at most 256 characters");
            }
            id = Optional.of(idn.asText());
        }
        JsonNode inputs = header.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServerException.badRequest("inputs: must be a non-empty array of tensors");
        }
        Tensor input = null;
        Tensor timespans = null;
        int at = binaryStart;
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
            String n = name.asText();
            if (!n.equals(INPUT) && !n.equals(TIMESPANS)) {
                throw ServerException.badRequest(where + ".name: unknown tensor '" + abbreviate(n)
                        + "' (this model takes input and timespans)");
            }
            if ((n.equals(INPUT) ? input : timespans) != null) {
                throw ServerException.badRequest("inputs: tensor '" + n + "' given twice");
            }
            int binarySize = binaryDataSize(t, n);
            if (binarySize >= 0 && binarySize > bytes.length - at) {
                throw ServerException.badRequest(n + ".parameters.binary_data_size: " + binarySize + " bytes, the body has "
                        + (bytes.length - at) + " left after the JSON header and the inputs before");
            }
            Tensor decoded = n.equals(INPUT) ? tensor(t, INPUT, 1, 3, bytes, at, binarySize)
                    : tensor(t, TIMESPANS, 1, 2, bytes, at, binarySize);
            if (binarySize >= 0) {
                at += binarySize;
            }
            if (n.equals(INPUT)) {
                input = decoded;
            } else {
                timespans = decoded;
            }
        }
        if (at != bytes.length) {
            throw ServerException.badRequest("body: " + (bytes.length - at) + " bytes after the JSON header that no input's "
                    + "binary_data_size accounts for");
        }
        if (input == null) {
            throw ServerException.badRequest("inputs: tensor 'input' is required");
        }
        float[][][] x = input.toBatch();
        float[][] dt = timespans == null ? new float[0][] : timespans.toTimespans(x.length, x[0].length);
        OipOptions.Parameters p = new OipOptions.Parameters(header.get("parameters"));
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
        if (p.unsigned("priority") != 0) {
            throw ServerException.badRequest("parameters.priority: not supported (every request has the same priority); "
                    + "send 0 or leave it out");
        }
        long timeout = p.unsigned("timeout");
        boolean binaryDefault = p.bool("binary_data_output");
        List<OipOptions.Output> outputs = OipOptions.outputs(header.get("outputs"), binaryDefault);
        return new Parsed(new InferenceRequest(model, version, x, dt, state, timeout), id, outputs, binaryDefault, seq);
    }

    /** The input's {@code binary_data_size}, or -1 when its data is JSON; other tensor parameters are refused. */
    private static int binaryDataSize(JsonNode t, String name) {
        JsonNode params = t.get("parameters");
        if (params == null || params.isNull()) {
            return -1;
        }
        if (!params.isObject()) {
            throw ServerException.badRequest(name + ".parameters: must be an object");
        }
        int size = -1;
        for (Iterator<String> it = params.fieldNames(); it.hasNext();) {
            String k = it.next();
            JsonNode v = params.get(k);
            if (k.equals("binary_data_size")) {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                    throw ServerException.badRequest(name + ".parameters.binary_data_size: must be a non-negative integer, got "
                            + abbreviate(v.toString()));
                }
                size = v.asInt();
            } else if (OipOptions.SHARED_MEMORY.contains(k)) {
                throw ServerException.badRequest(name + ".parameters." + k + ": shared memory is not supported; send the "
                        + "data in the request (JSON or binary)");
            } else {
                throw ServerException.badRequest(name + ".parameters." + abbreviate(k) + ": not supported (binary_data_size)");
            }
        }
        return size;
    }

    private static Tensor tensor(JsonNode t, String name, int minRank, int maxRank, byte[] bytes, int at, int binarySize) {
        JsonNode dtype = t.get("datatype");
        if (dtype == null || !dtype.isTextual()) {
            throw ServerException.badRequest(name + ".datatype: required (one of " + TensorDatatype.numericNames() + ")");
        }
        TensorDatatype type = TensorDatatype.parseNumeric(name, dtype.asText());
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
        if (binarySize >= 0) {
            if (data != null && !data.isNull()) {
                throw ServerException.badRequest(name + ": give either data or parameters.binary_data_size, not both");
            }
            return new Tensor(shape, TensorValues.fromRaw(name, type, bytes, at, binarySize, (int) count));
        }
        if (data == null || !data.isArray()) {
            throw ServerException.badRequest(name + ".data: must be an array of numbers (flat or nested), or the tensor "
                    + "binary (parameters.binary_data_size)");
        }
        FloatList out = new FloatList();
        flatten(data, name + ".data", type, out, 0);
        if (out.size != count) {
            throw ServerException.badRequest(name + ".data: " + out.size + " values, shape " + Arrays.toString(shape)
                    + " needs " + count);
        }
        return new Tensor(shape, out.trimmed());
    }

    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** The numbers of {@code n} in order; {@code name} is the field, e.g. {@code input.data}. */
    private static void flatten(JsonNode n, String name, TensorDatatype type, FloatList out, int depth) {
        if (depth > 4) {
            throw ServerException.badRequest(name + ": nested deeper than the shape allows");
        }
        for (JsonNode e : n) {
            if (e.isArray()) {
                flatten(e, name, type, out, depth + 1);
            } else if (e.isIntegralNumber() && e.canConvertToLong()) {
                out.add(TensorValues.fromLong(name, type, out.size, e.longValue(), false));
            } else if (e.isIntegralNumber() && e.bigIntegerValue().signum() > 0 && e.bigIntegerValue().compareTo(UINT64_MAX) <= 0) {
                out.add(TensorValues.fromLong(name, type, out.size, e.bigIntegerValue().longValue(), true));
            } else if (e.isNumber()) {
                out.add(TensorValues.fromDouble(name, type, out.size, e.doubleValue()));
            } else {
                throw ServerException.badRequest(name + ": value " + out.size + " is " + abbreviate(e.toString())
                        + ", not a number");
            }
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
