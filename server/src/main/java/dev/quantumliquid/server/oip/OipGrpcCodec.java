package dev.quantumliquid.server.oip;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.grpc.proto.InferParameter;
import dev.quantumliquid.server.grpc.proto.InferTensorContents;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import dev.quantumliquid.server.grpc.proto.ModelInferResponse;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.repository.Names;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Open Inference Protocol infer messages over gRPC: the request (tensors {@code input} and optional
 * {@code timespans} as typed {@code contents} or {@code raw_input_contents}; parameters
 * {@code sequence_id}, {@code sequence_start}, {@code sequence_end}, {@code state}) and the response
 * (tensors in {@code raw_output_contents}, little-endian, as Triton answers). Shapes and their
 * meaning are those of the JSON body ({@link OipCodec}).
 */
final class OipGrpcCodec {
    /** A parsed request: what to run, the id to echo, the outputs asked for (empty: all), the sequence. */
    record Parsed(InferenceRequest request, String id, Set<String> outputs, Optional<String> sequenceId) {
    }

    private OipGrpcCodec() {
    }

    static Parsed parse(ModelInferRequest r) {
        String model = Names.requireName("model_name", r.getModelName());
        OptionalLong version = r.getModelVersion().isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(Names.requireVersion(model, r.getModelVersion()));
        if (r.getId().length() > 256) {
            throw ServerException.badRequest("id: at most 256 characters, got " + r.getId().length());
        }
        if (r.getInputsCount() == 0) {
            throw ServerException.badRequest("inputs: at least the tensor 'input' is required");
        }
        boolean raw = r.getRawInputContentsCount() > 0;
        if (raw && r.getRawInputContentsCount() != r.getInputsCount()) {
            throw ServerException.badRequest("raw_input_contents: " + r.getRawInputContentsCount() + " entries, inputs has "
                    + r.getInputsCount() + " (one per input, in the same order)");
        }
        OipCodec.Tensor input = null;
        OipCodec.Tensor timespans = null;
        for (int i = 0; i < r.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor t = r.getInputs(i);
            Optional<ByteString> bytes = raw ? Optional.of(r.getRawInputContents(i)) : Optional.empty();
            switch (t.getName()) {
                case OipCodec.INPUT -> {
                    if (input != null) {
                        throw ServerException.badRequest("inputs: tensor 'input' given twice");
                    }
                    input = tensor(t, bytes, 1, 3);
                }
                case OipCodec.TIMESPANS -> {
                    if (timespans != null) {
                        throw ServerException.badRequest("inputs: tensor 'timespans' given twice");
                    }
                    timespans = tensor(t, bytes, 1, 2);
                }
                default -> throw ServerException.badRequest("inputs[" + i + "].name: unknown tensor '"
                        + OipCodec.abbreviate(t.getName()) + "' (this model takes input and timespans)");
            }
        }
        if (input == null) {
            throw ServerException.badRequest("inputs: tensor 'input' is required");
        }
        float[][][] x = OipCodec.toBatch(input);
        float[][] dt = timespans == null ? new float[0][] : OipCodec.toTimespans(timespans, x.length, x[0].length);
        Optional<String> seq = Optional.empty();
        Optional<String> token = Optional.empty();
        boolean start = false;
        boolean end = false;
        for (Map.Entry<String, InferParameter> e : r.getParametersMap().entrySet()) {
            InferParameter p = e.getValue();
            switch (e.getKey()) {
                case "sequence_id" -> seq = sequenceId(p);
                case "sequence_start" -> start = bool("sequence_start", p);
                case "sequence_end" -> end = bool("sequence_end", p);
                case "state" -> {
                    if (p.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM
                            || p.getStringParam().isEmpty()) {
                        throw ServerException.badRequest("parameters.state: must be a non-empty string_param");
                    }
                    token = Optional.of(p.getStringParam());
                }
                default -> throw ServerException.badRequest("parameters." + OipCodec.abbreviate(e.getKey())
                        + ": not supported (this server takes sequence_id, sequence_start, sequence_end and state)");
            }
        }
        StateSource state = StateSource.fresh();
        if (seq.isPresent() && token.isPresent()) {
            throw ServerException.badRequest("parameters: give either state or sequence_id, not both");
        }
        if (seq.isPresent()) {
            state = new StateSource.Sequence(seq.get(), start, end);
        } else if (token.isPresent()) {
            state = new StateSource.Token(token.get());
        } else if (start || end) {
            throw ServerException.badRequest("parameters: sequence_start and sequence_end need a sequence_id");
        }
        Set<String> outputs = new LinkedHashSet<>();
        for (ModelInferRequest.InferRequestedOutputTensor o : r.getOutputsList()) {
            if (!o.getName().equals(OipCodec.OUTPUT) && !o.getName().equals(OipCodec.COHERENCE)) {
                throw ServerException.badRequest("outputs: unknown output '" + OipCodec.abbreviate(o.getName())
                        + "' (output, coherence)");
            }
            if (o.getParametersCount() > 0) {
                throw ServerException.badRequest("outputs[" + o.getName() + "].parameters: not supported, got "
                        + OipCodec.abbreviate(String.join(", ", o.getParametersMap().keySet())));
            }
            outputs.add(o.getName());
        }
        return new Parsed(new InferenceRequest(model, version, x, dt, state), r.getId(), outputs, seq);
    }

    private static OipCodec.Tensor tensor(ModelInferRequest.InferInputTensor t, Optional<ByteString> raw, int minRank,
            int maxRank) {
        String name = t.getName();
        if (!t.getDatatype().equals("FP32")) {
            throw ServerException.badRequest(name + ".datatype: must be FP32, got '" + OipCodec.abbreviate(t.getDatatype()) + "'");
        }
        if (t.getParametersCount() > 0) {
            throw ServerException.badRequest(name + ".parameters: not supported, got "
                    + OipCodec.abbreviate(String.join(", ", t.getParametersMap().keySet())));
        }
        if (t.getShapeCount() < minRank || t.getShapeCount() > maxRank) {
            throw ServerException.badRequest(name + ".shape: must have " + minRank + ".." + maxRank + " dimensions, got "
                    + t.getShapeCount());
        }
        int[] shape = new int[t.getShapeCount()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getShape(i);
            if (d < 1 || d > Integer.MAX_VALUE) {
                throw ServerException.badRequest(name + ".shape[" + i + "]: must be a positive integer, got " + d);
            }
            shape[i] = (int) d;
            count *= d; // each factor below 2^31 and the product checked after each: no overflow
            if (count > Integer.MAX_VALUE) {
                throw ServerException.badRequest(name + ".shape: " + t.getShapeList() + " describes more than 2^31 values");
            }
        }
        float[] data;
        if (raw.isPresent()) {
            if (t.hasContents()) {
                throw ServerException.badRequest(name + ".contents: give the data in contents or in raw_input_contents, not both");
            }
            ByteString b = raw.get();
            if (b.size() != count * Float.BYTES) {
                throw ServerException.badRequest(name + ": raw_input_contents holds " + b.size() + " bytes, shape "
                        + Arrays.toString(shape) + " of FP32 needs " + count * Float.BYTES);
            }
            data = new float[(int) count];
            b.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            InferTensorContents c = t.getContents();
            if (c.getFp32ContentsCount() != count) {
                throw ServerException.badRequest(name + ".contents.fp32_contents: " + c.getFp32ContentsCount()
                        + " values, shape " + Arrays.toString(shape) + " needs " + count);
            }
            data = new float[(int) count];
            for (int i = 0; i < data.length; i++) {
                data[i] = c.getFp32Contents(i);
            }
        }
        return new OipCodec.Tensor(shape, data);
    }

    /** Triton's sequence_id: an unsigned integer (0 means none) or a string of 1..128 characters. */
    private static Optional<String> sequenceId(InferParameter p) {
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> {
                if (p.getInt64Param() < 0) {
                    throw ServerException.badRequest("parameters.sequence_id: must be non-negative, got " + p.getInt64Param());
                }
                yield p.getInt64Param() == 0 ? Optional.empty() : Optional.of(Long.toString(p.getInt64Param()));
            }
            case UINT64_PARAM -> p.getUint64Param() == 0 ? Optional.empty()
                    : Optional.of(Long.toUnsignedString(p.getUint64Param()));
            case STRING_PARAM -> {
                String s = p.getStringParam();
                if (s.isEmpty() || s.length() > 128) {
                    throw ServerException.badRequest("parameters.sequence_id: a string must have 1..128 characters, got "
                            + s.length());
                }
                yield Optional.of(s);
            }
            default -> throw ServerException.badRequest("parameters.sequence_id: must be an int64, uint64 or string parameter");
        };
    }

    private static boolean bool(String name, InferParameter p) {
        if (p.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
            throw ServerException.badRequest("parameters." + name + ": must be a bool_param");
        }
        return p.getBoolParam();
    }

    /** The response: outputs asked for (all when none was named) in raw_output_contents, and the result's facts. */
    static ModelInferResponse response(InferenceResult r, Parsed p) {
        ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName(r.model())
                .setModelVersion(Long.toString(r.version())).setId(p.id());
        if (r.coherenceMean().isPresent()) {
            b.putParameters("coherence_mean", InferParameter.newBuilder().setDoubleParam(r.coherenceMean().getAsDouble()).build());
        }
        b.putParameters("low_coherence", InferParameter.newBuilder().setBoolParam(r.lowCoherence()).build());
        r.state().ifPresent(s -> b.putParameters("state", InferParameter.newBuilder().setStringParam(s).build()));
        b.putParameters("steps", InferParameter.newBuilder().setInt64Param(r.steps()).build());
        b.putParameters("cache_hit", InferParameter.newBuilder().setBoolParam(r.cacheHit()).build());
        b.putParameters("inference_time_ms", InferParameter.newBuilder().setDoubleParam(r.inferenceMillis()).build());
        p.sequenceId().ifPresent(s -> b.putParameters("sequence_id", InferParameter.newBuilder().setStringParam(s).build()));
        float[][][] y = r.output();
        int batch = y.length;
        int steps = y[0].length;
        int o = y[0][0].length;
        if (p.outputs().isEmpty() || p.outputs().contains(OipCodec.OUTPUT)) {
            ByteBuffer buf = ByteBuffer.allocate(batch * steps * o * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[][] seq : y) {
                for (float[] step : seq) {
                    for (float v : step) {
                        buf.putFloat(v);
                    }
                }
            }
            b.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(OipCodec.OUTPUT).setDatatype("FP32")
                    .addShape(batch).addShape(steps).addShape(o));
            b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(buf.array()));
        }
        if (r.coherence().isPresent() && (p.outputs().isEmpty() || p.outputs().contains(OipCodec.COHERENCE))) {
            ByteBuffer buf = ByteBuffer.allocate(batch * steps * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : r.coherence().get()) {
                for (float v : row) {
                    buf.putFloat(v);
                }
            }
            b.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(OipCodec.COHERENCE).setDatatype("FP32")
                    .addShape(batch).addShape(steps));
            b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(buf.array()));
        }
        return b.build();
    }
}
