package dev.quantumliquid.server.oip;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.grpc.proto.InferParameter;
import dev.quantumliquid.server.grpc.proto.InferTensorContents;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import dev.quantumliquid.server.grpc.proto.ModelInferResponse;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.tensor.Classification;
import dev.quantumliquid.server.tensor.TensorDatatype;
import dev.quantumliquid.server.tensor.TensorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Open Inference Protocol infer messages over gRPC. The request: tensor {@code input} ([B,T,F],
 * [T,F] or [F]) and optional {@code timespans} ([B,T] or [T]) of any numeric datatype, as typed
 * {@code contents} or {@code raw_input_contents}; parameters {@code sequence_id},
 * {@code sequence_start}, {@code sequence_end}, {@code state}, {@code timeout} (microseconds) and
 * {@code priority} (0 only). Outputs may ask for {@code datatype} FP32 or FP64 and
 * {@code classification} (top k). The response carries its tensors in {@code raw_output_contents},
 * little-endian, as Triton answers.
 */
final class OipGrpcCodec {
    /** An output asked for: its name, its datatype, and the classes to report (0: the values). */
    record Output(String name, TensorDatatype type, int classes) {
    }

    /** A parsed request: what to run, the id to echo, the outputs asked for (empty: all, FP32), the sequence. */
    record Parsed(InferenceRequest request, String id, List<Output> outputs, Optional<String> sequenceId) {
    }

    private static final String INPUT = ModelConfiguration.INPUT;
    private static final String TIMESPANS = ModelConfiguration.TIMESPANS;
    private static final String OUTPUT = ModelConfiguration.OUTPUT;
    private static final String COHERENCE = ModelConfiguration.COHERENCE;

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
        Tensor input = null;
        Tensor timespans = null;
        for (int i = 0; i < r.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor t = r.getInputs(i);
            Optional<ByteString> bytes = raw ? Optional.of(r.getRawInputContents(i)) : Optional.empty();
            switch (t.getName()) {
                case INPUT -> {
                    if (input != null) {
                        throw ServerException.badRequest("inputs: tensor 'input' given twice");
                    }
                    input = tensor(t, bytes, 1, 3);
                }
                case TIMESPANS -> {
                    if (timespans != null) {
                        throw ServerException.badRequest("inputs: tensor 'timespans' given twice");
                    }
                    timespans = tensor(t, bytes, 1, 2);
                }
                default -> throw ServerException.badRequest("inputs[" + i + "].name: unknown tensor '"
                        + abbreviate(t.getName()) + "' (this model takes input and timespans)");
            }
        }
        if (input == null) {
            throw ServerException.badRequest("inputs: tensor 'input' is required");
        }
        float[][][] x = input.toBatch();
        float[][] dt = timespans == null ? new float[0][] : timespans.toTimespans(x.length, x[0].length);
        Optional<String> seq = Optional.empty();
        Optional<String> token = Optional.empty();
        boolean start = false;
        boolean end = false;
        long timeout = 0;
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
                case "timeout" -> timeout = unsigned("timeout", p);
                case "priority" -> {
                    if (unsigned("priority", p) != 0) {
                        throw ServerException.badRequest("parameters.priority: not supported (every request has the same "
                                + "priority); send 0 or leave it out");
                    }
                }
                default -> throw ServerException.badRequest("parameters." + abbreviate(e.getKey()) + ": not supported "
                        + "(sequence_id, sequence_start, sequence_end, state, timeout, priority)");
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
        List<Output> outputs = new ArrayList<>();
        for (ModelInferRequest.InferRequestedOutputTensor o : r.getOutputsList()) {
            outputs.add(output(o));
        }
        return new Parsed(new InferenceRequest(model, version, x, dt, state, timeout), r.getId(), outputs, seq);
    }

    private static Output output(ModelInferRequest.InferRequestedOutputTensor o) {
        String name = o.getName();
        if (!name.equals(OUTPUT) && !name.equals(COHERENCE)) {
            throw ServerException.badRequest("outputs: unknown output '" + abbreviate(name) + "' (output, coherence)");
        }
        TensorDatatype type = TensorDatatype.FP32;
        int classes = 0;
        for (Map.Entry<String, InferParameter> e : o.getParametersMap().entrySet()) {
            InferParameter v = e.getValue();
            String field = name + ".parameters." + abbreviate(e.getKey());
            switch (e.getKey()) {
                case "classification" -> {
                    long k = unsigned(name + ".parameters.classification", v);
                    if (k > 0 && name.equals(COHERENCE)) {
                        throw ServerException.badRequest(field + ": coherence is not a classification; ask it of output");
                    }
                    classes = (int) Math.min(k, Integer.MAX_VALUE);
                }
                case "datatype" -> {
                    if (v.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM
                            || !(v.getStringParam().equals("FP32") || v.getStringParam().equals("FP64"))) {
                        throw ServerException.badRequest(field + ": must be the string FP32 or FP64");
                    }
                    type = TensorDatatype.valueOf(v.getStringParam());
                }
                default -> throw ServerException.badRequest(field + ": not supported (classification, datatype)");
            }
        }
        if (classes > 0 && type != TensorDatatype.FP32) {
            throw ServerException.badRequest(name + ".parameters: classification returns BYTES; leave datatype out");
        }
        return new Output(name, type, classes);
    }

    /** Refuses a classification of more classes than the model has outputs (before anything runs). */
    static void checkClassification(Parsed p, String model, int classes) {
        for (Output o : p.outputs()) {
            if (o.classes() > classes) {
                throw ServerException.badRequest(o.name() + ".parameters.classification: " + o.classes()
                        + " classes asked for, model '" + model + "' has " + classes);
            }
        }
    }

    private static Tensor tensor(ModelInferRequest.InferInputTensor t, Optional<ByteString> raw, int minRank, int maxRank) {
        String name = t.getName();
        TensorDatatype type = TensorDatatype.parseNumeric(name, t.getDatatype());
        if (t.getParametersCount() > 0) {
            throw ServerException.badRequest(name + ".parameters: not supported, got "
                    + abbreviate(String.join(", ", t.getParametersMap().keySet())));
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
        int n = (int) count;
        if (raw.isPresent()) {
            if (t.hasContents()) {
                throw ServerException.badRequest(name + ".contents: give the data in contents or in raw_input_contents, not both");
            }
            byte[] b = raw.get().toByteArray();
            return new Tensor(shape, TensorValues.fromRaw(name, type, b, 0, b.length, n));
        }
        return new Tensor(shape, typed(name, type, t.getContents(), n, Arrays.toString(shape)));
    }

    /** Typed contents: the field of the datatype must hold exactly {@code n} values and the others none. */
    private static float[] typed(String name, TensorDatatype type, InferTensorContents c, int n, String shape) {
        int given = c.getBoolContentsCount() + c.getIntContentsCount() + c.getInt64ContentsCount() + c.getUintContentsCount()
                + c.getUint64ContentsCount() + c.getFp32ContentsCount() + c.getFp64ContentsCount() + c.getBytesContentsCount();
        String field = switch (type) {
            case FP32 -> "fp32_contents";
            case FP64 -> "fp64_contents";
            case INT8, INT16, INT32 -> "int_contents";
            case INT64 -> "int64_contents";
            case UINT8, UINT16, UINT32 -> "uint_contents";
            case UINT64 -> "uint64_contents";
            default -> throw ServerException.badRequest(name + ": " + type + " has no typed contents; send it in "
                    + "raw_input_contents");
        };
        int inField = switch (type) {
            case FP32 -> c.getFp32ContentsCount();
            case FP64 -> c.getFp64ContentsCount();
            case INT8, INT16, INT32 -> c.getIntContentsCount();
            case INT64 -> c.getInt64ContentsCount();
            default -> type == TensorDatatype.UINT64 ? c.getUint64ContentsCount() : c.getUintContentsCount();
        };
        if (inField != n || given != n) {
            throw ServerException.badRequest(name + ".contents." + field + ": " + inField + " values" + (given != inField
                    ? " (and " + (given - inField) + " in other fields)" : "") + ", shape " + shape + " of " + type + " needs " + n);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case FP32 -> TensorValues.fromDouble(name, type, i, c.getFp32Contents(i));
                case FP64 -> TensorValues.fromDouble(name, type, i, c.getFp64Contents(i));
                case INT8, INT16, INT32 -> TensorValues.fromLong(name, type, i, c.getIntContents(i), false);
                case INT64 -> TensorValues.fromLong(name, type, i, c.getInt64Contents(i), false);
                case UINT64 -> TensorValues.fromLong(name, type, i, c.getUint64Contents(i), true);
                default -> TensorValues.fromLong(name, type, i, Integer.toUnsignedLong(c.getUintContents(i)), false);
            };
        }
        return out;
    }

    /** Triton's sequence_id: an unsigned integer (0 means none) or a string of 1..128 characters. */
    private static Optional<String> sequenceId(InferParameter p) {
        if (p.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.STRING_PARAM) {
            String s = p.getStringParam();
            if (s.isEmpty() || s.length() > 128) {
                throw ServerException.badRequest("parameters.sequence_id: a string must have 1..128 characters, got "
                        + s.length());
            }
            return Optional.of(s);
        }
        long id = unsigned("sequence_id", p);
        return id == 0 ? Optional.empty() : Optional.of(Long.toUnsignedString(id));
    }

    /** A non-negative integer parameter (int64_param or uint64_param). */
    private static long unsigned(String name, InferParameter p) {
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> {
                if (p.getInt64Param() < 0) {
                    throw ServerException.badRequest("parameters." + name + ": must be non-negative, got " + p.getInt64Param());
                }
                yield p.getInt64Param();
            }
            case UINT64_PARAM -> p.getUint64Param();
            default -> throw ServerException.badRequest("parameters." + name + ": must be an int64_param or uint64_param");
        };
    }

    private static boolean bool(String name, InferParameter p) {
        if (p.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
            throw ServerException.badRequest("parameters." + name + ": must be a bool_param");
        }
        return p.getBoolParam();
    }

    /**
     * The response: the outputs asked for (all, as FP32, when none was named) in raw_output_contents,
     * and the result's facts as parameters; {@code labels} name a classifier's classes.
     */
    static ModelInferResponse response(InferenceResult r, Parsed p, List<String> labels) {
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
        List<Output> outputs = p.outputs();
        if (outputs.isEmpty()) {
            outputs = r.coherence().isPresent()
                    ? List.of(new Output(OUTPUT, TensorDatatype.FP32, 0), new Output(COHERENCE, TensorDatatype.FP32, 0))
                    : List.of(new Output(OUTPUT, TensorDatatype.FP32, 0));
        }
        float[][][] y = r.output();
        int batch = y.length;
        int steps = y[0].length;
        int o = y[0][0].length;
        for (Output out : outputs) {
            ModelInferResponse.InferOutputTensor.Builder t = ModelInferResponse.InferOutputTensor.newBuilder().setName(out.name());
            byte[] bytes;
            if (out.name().equals(COHERENCE)) {
                if (r.coherence().isEmpty()) {
                    continue; // a model without a circuit has no coherence to report
                }
                float[] flat = new float[batch * steps];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(r.coherence().get()[i], 0, flat, i * steps, steps);
                }
                t.setDatatype(out.type().name()).addShape(batch).addShape(steps);
                bytes = TensorValues.toRaw(out.type(), flat);
            } else {
                float[] flat = new float[batch * steps * o];
                int i = 0;
                for (float[][] seq : y) {
                    for (float[] step : seq) {
                        System.arraycopy(step, 0, flat, i, o);
                        i += o;
                    }
                }
                if (out.classes() > 0) {
                    List<String> classes = new ArrayList<>(batch * steps * out.classes());
                    for (int row = 0; row < batch * steps; row++) {
                        classes.addAll(List.of(Classification.topK(flat, row * o, o, out.classes(), labels)));
                    }
                    t.setDatatype(TensorDatatype.BYTES.name()).addShape(batch).addShape(steps).addShape(out.classes());
                    bytes = TensorValues.bytesToRaw(classes);
                } else {
                    t.setDatatype(out.type().name()).addShape(batch).addShape(steps).addShape(o);
                    bytes = TensorValues.toRaw(out.type(), flat);
                }
            }
            b.addOutputs(t);
            b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(bytes));
        }
        return b.build();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
