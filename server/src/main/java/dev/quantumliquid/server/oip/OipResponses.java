package dev.quantumliquid.server.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.tensor.Classification;
import dev.quantumliquid.server.tensor.TensorDatatype;
import dev.quantumliquid.server.tensor.TensorValues;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Open Inference Protocol v2 infer responses: the JSON, written straight to a generator, and the
 * binary tensor data that follows it when outputs are asked for as binary (Triton's extension:
 * each such output carries {@code parameters.binary_data_size} instead of {@code data}, its bytes
 * follow the JSON in the order of the outputs). Outputs are FP32, FP64 when asked for, or BYTES
 * {@code "score:index:label"} for a classification.
 */
final class OipResponses {
    private OipResponses() {
    }

    /**
     * Classification counts asked of {@code p} checked against the model's {@code classes} outputs
     * (400 naming the output and both numbers); before the request runs.
     */
    static void checkClassification(OipCodec.Parsed p, String model, int classes) {
        for (OipOptions.Output o : p.outputs()) {
            if (o.classCount() > classes) {
                throw ServerException.badRequest(o.name() + ".parameters.classification: " + o.classCount()
                        + " classes asked for, model '" + model + "' has " + classes + " outputs");
            }
        }
    }

    /**
     * Writes the JSON of the response to {@code g} and the binary outputs' bytes to {@code binary};
     * {@code labels} are the model's output names (classification labels).
     */
    static void infer(JsonGenerator g, ByteArrayBuilder binary, InferenceResult r, OipCodec.Parsed p, List<String> labels)
            throws IOException {
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
        for (OipOptions.Output o : p.resolved(r.coherence().isPresent())) {
            if (o.name().equals(OipCodec.OUTPUT) && !o.binary() && o.classCount() == 0) {
                writeJson(g, o, y); // the usual response: written from the result as it is, nothing copied
            } else if (o.name().equals(OipCodec.OUTPUT)) {
                int width = y[0][0].length;
                float[] flat = new float[b * t * width];
                int i = 0;
                for (float[][] seq : y) {
                    for (float[] step : seq) {
                        System.arraycopy(step, 0, flat, i, width);
                        i += width;
                    }
                }
                if (o.classCount() > 0) {
                    writeClasses(g, binary, o, flat, b, t, width, labels);
                } else {
                    writeValues(g, binary, o, flat, new int[] {b, t, width});
                }
            } else if (r.coherence().isPresent()) {
                float[] flat = new float[b * t];
                int i = 0;
                for (float[] row : r.coherence().get()) {
                    System.arraycopy(row, 0, flat, i, t);
                    i += t;
                }
                writeValues(g, binary, o, flat, new int[] {b, t});
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeJson(JsonGenerator g, OipOptions.Output o, float[][][] y) throws IOException {
        start(g, o.name(), o.datatype(), new int[] {y.length, y[0].length, y[0][0].length});
        g.writeArrayFieldStart("data");
        for (float[][] seq : y) {
            for (float[] step : seq) {
                for (float f : step) {
                    number(g, o.datatype(), f);
                }
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeValues(JsonGenerator g, ByteArrayBuilder binary, OipOptions.Output o, float[] v, int[] shape)
            throws IOException {
        start(g, o.name(), o.datatype(), shape);
        if (o.binary()) {
            binaryData(g, binary, TensorValues.toRaw(o.datatype(), v));
        } else {
            g.writeArrayFieldStart("data");
            for (float f : v) {
                number(g, o.datatype(), f);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeClasses(JsonGenerator g, ByteArrayBuilder binary, OipOptions.Output o, float[] v, int b, int t,
            int width, List<String> labels) throws IOException {
        int k = o.classCount();
        String[] all = new String[b * t * k];
        for (int row = 0; row < b * t; row++) {
            System.arraycopy(Classification.topK(v, row * width, width, k, labels), 0, all, row * k, k);
        }
        start(g, o.name(), TensorDatatype.BYTES, new int[] {b, t, k});
        if (o.binary()) {
            binaryData(g, binary, TensorValues.bytesToRaw(Arrays.asList(all)));
        } else {
            g.writeArrayFieldStart("data");
            for (String s : all) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Opens an output tensor's object: name, datatype, shape. */
    private static void start(JsonGenerator g, String name, TensorDatatype type, int[] shape) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("datatype", type.name());
        writeShape(g, shape);
    }

    /** An output sent as binary data: its size in the JSON, its bytes after it. */
    private static void binaryData(JsonGenerator g, ByteArrayBuilder binary, byte[] raw) throws IOException {
        g.writeObjectFieldStart("parameters");
        g.writeNumberField("binary_data_size", raw.length);
        g.writeEndObject();
        binary.write(raw);
    }

    /** A float32 value as FP32 (its shortest decimal form) or FP64 (the same value, exactly). */
    private static void number(JsonGenerator g, TensorDatatype type, float f) throws IOException {
        if (type == TensorDatatype.FP64) {
            g.writeNumber((double) f);
        } else {
            g.writeNumber(f);
        }
    }

    private static void writeShape(JsonGenerator g, int[] shape) throws IOException {
        g.writeArrayFieldStart("shape");
        for (int d : shape) {
            g.writeNumber(d);
        }
        g.writeEndArray();
    }
}
