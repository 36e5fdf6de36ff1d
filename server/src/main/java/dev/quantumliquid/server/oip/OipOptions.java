package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.tensor.TensorDatatype;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The options of an infer request: its {@code parameters} (Triton's sequence, timeout, priority and
 * binary-output parameters, and the state token) and the {@code parameters} of each output asked
 * for. A name not known here is refused with a 400 naming it, never ignored.
 */
final class OipOptions {
    private static final Set<String> REQUEST_PARAMETERS = Set.of("state", "sequence_id", "sequence_start", "sequence_end",
            "timeout", "priority", "binary_data_output");
    static final Set<String> SHARED_MEMORY = Set.of("shared_memory_region", "shared_memory_byte_size",
            "shared_memory_offset");

    private OipOptions() {
    }

    /**
     * One output to return.
     *
     * @param binary as binary tensor data after the JSON header (else JSON {@code data})
     * @param datatype FP32 or FP64
     * @param classCount Triton classification: the top {@code classCount} classes as BYTES, or 0 for the values
     */
    record Output(String name, boolean binary, TensorDatatype datatype, int classCount) {
    }

    /** The outputs asked for: names, each at most once, and their parameters. */
    static List<Output> outputs(JsonNode outs, boolean binaryDefault) {
        List<Output> list = new ArrayList<>();
        if (outs == null || outs.isNull()) {
            return list;
        }
        if (!outs.isArray()) {
            throw ServerException.badRequest("outputs: must be an array of {\"name\": ...}");
        }
        for (int i = 0; i < outs.size(); i++) {
            JsonNode o = outs.get(i);
            String where = "outputs[" + i + "]";
            JsonNode n = o.get("name");
            boolean known = n != null && n.isTextual()
                    && (n.asText().equals(OipCodec.OUTPUT) || n.asText().equals(OipCodec.COHERENCE));
            if (!known) {
                throw ServerException.badRequest(where + ".name: unknown output " + OipCodec.abbreviate(String.valueOf(n))
                        + " (output, coherence)");
            }
            String name = n.asText();
            if (list.stream().anyMatch(x -> x.name().equals(name))) {
                throw ServerException.badRequest(where + ".name: output '" + name + "' asked for twice");
            }
            boolean binary = binaryDefault;
            TensorDatatype type = TensorDatatype.FP32;
            int classes = 0;
            JsonNode params = o.get("parameters");
            if (params != null && !params.isNull()) {
                if (!params.isObject()) {
                    throw ServerException.badRequest(where + ".parameters: must be an object");
                }
                for (Iterator<String> it = params.fieldNames(); it.hasNext();) {
                    String k = it.next();
                    JsonNode v = params.get(k);
                    String field = name + ".parameters." + OipCodec.abbreviate(k);
                    switch (k) {
                        case "binary_data" -> {
                            if (!v.isBoolean()) {
                                throw ServerException.badRequest(field + ": must be true or false");
                            }
                            binary = v.asBoolean();
                        }
                        case "classification" -> {
                            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                                throw ServerException.badRequest(field + ": must be a non-negative integer (the number of "
                                        + "classes), got " + OipCodec.abbreviate(v.toString()));
                            }
                            if (name.equals(OipCodec.COHERENCE) && v.asInt() > 0) {
                                throw ServerException.badRequest(field + ": coherence is not a classification; ask it of "
                                        + "output");
                            }
                            classes = v.asInt();
                        }
                        case "datatype" -> {
                            if (!v.isTextual() || !(v.asText().equals("FP32") || v.asText().equals("FP64"))) {
                                throw ServerException.badRequest(field + ": must be FP32 or FP64, got "
                                        + OipCodec.abbreviate(v.toString()));
                            }
                            type = TensorDatatype.valueOf(v.asText());
                        }
                        default -> throw ServerException.badRequest(field + ": " + (SHARED_MEMORY.contains(k)
                                ? "shared memory is not supported; outputs come in the response"
                                : "not supported (binary_data, classification, datatype)"));
                    }
                }
            }
            if (classes > 0 && type != TensorDatatype.FP32) {
                throw ServerException.badRequest(name + ".parameters: classification returns BYTES; leave datatype out");
            }
            list.add(new Output(name, binary, type, classes));
        }
        return list;
    }

    /** The request's "parameters" object (Triton-style); a name it does not know is refused. */
    static final class Parameters {
        private final JsonNode p;

        Parameters(JsonNode p) {
            if (p != null && !p.isNull() && !p.isObject()) {
                throw ServerException.badRequest("parameters: must be an object");
            }
            this.p = p == null || p.isNull() ? null : p;
            if (this.p != null) {
                for (Iterator<String> it = this.p.fieldNames(); it.hasNext();) {
                    String k = it.next();
                    if (!REQUEST_PARAMETERS.contains(k)) {
                        throw ServerException.badRequest("parameters." + OipCodec.abbreviate(k) + ": not supported (known: "
                                + String.join(", ", REQUEST_PARAMETERS.stream().sorted().toList()) + ")");
                    }
                }
            }
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

        /** A non-negative integer parameter, 0 when absent. */
        long unsigned(String name) {
            JsonNode n = p == null ? null : p.get(name);
            if (n == null || n.isNull()) {
                return 0;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
                throw ServerException.badRequest("parameters." + name + ": must be a non-negative integer, got "
                        + OipCodec.abbreviate(n.toString()));
            }
            return n.asLong();
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

}
