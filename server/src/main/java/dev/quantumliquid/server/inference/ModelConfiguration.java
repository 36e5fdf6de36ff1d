package dev.quantumliquid.server.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.server.repository.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The Triton model configuration of a loaded version, protocol-neutral (HTTP renders it as Triton's
 * JSON, gRPC as its {@code ModelConfig} message). The batch dimension is implicit, as Triton's
 * {@code max_batch_size > 0} says: an input of dims {@code [-1, F]} takes {@code [B, T, F]}.
 *
 * @param platform {@value #PLATFORM}, the project and the model format
 * @param backend {@value #BACKEND}
 * @param maxBatchSize QLNN_MAX_BATCH
 * @param sequenceIdleMicroseconds for a recurrent model, how long a server-held sequence may stay unused
 *     (QLNN_SESSION_IDLE_S): Triton's {@code sequence_batching.max_sequence_idle_microseconds}
 * @param parameters Triton's string-valued model parameters
 */
public record ModelConfiguration(String name, String platform, String backend, int maxBatchSize, List<Tensor> inputs,
        List<Tensor> outputs, OptionalLong sequenceIdleMicroseconds, Map<String, String> parameters) {
    public static final String PLATFORM = "qlnn_model";
    public static final String BACKEND = "qlnn";
    public static final String INPUT = "input";
    public static final String TIMESPANS = "timespans";
    public static final String OUTPUT = "output";
    public static final String COHERENCE = "coherence";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One input or output.
     *
     * @param dataType Triton's name, e.g. {@code TYPE_FP32}
     * @param dims without the batch dimension; -1 for any size
     * @param labels one per index of the last dimension (a classifier's class names), or empty
     */
    public record Tensor(String name, String dataType, List<Long> dims, boolean optional, List<String> labels) {
        public Tensor {
            dims = List.copyOf(dims);
            labels = List.copyOf(labels);
        }
    }

    public ModelConfiguration {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        parameters = Map.copyOf(parameters);
    }

    /** The configuration of {@code served} under the server's batch and sequence limits. */
    public static ModelConfiguration of(ServedModel served, int maxBatch, Duration sessionIdle) {
        Model m = served.model();
        List<Tensor> in = List.of(
                new Tensor(INPUT, "TYPE_FP32", List.of(-1L, (long) m.inputSize()), false, List.of()),
                new Tensor(TIMESPANS, "TYPE_FP32", List.of(-1L), true, List.of()));
        List<Tensor> out = new ArrayList<>();
        out.add(new Tensor(OUTPUT, "TYPE_FP32", List.of(-1L, (long) m.outputSize()), false, m.info().outputNames()));
        if (m.hasCoherence()) {
            out.add(new Tensor(COHERENCE, "TYPE_FP32", List.of(-1L), false, List.of()));
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("description", m.info().description());
        params.put("output_names", outputNamesText(m.info().outputNames()));
        params.put("recurrent", Boolean.toString(served.recurrent()));
        params.put("state_size", Integer.toString(m.stateSize()));
        params.put("quantum", Boolean.toString(m.hasCoherence()));
        params.put("qubits", Integer.toString(m.qubits()));
        return new ModelConfiguration(served.name(), PLATFORM, BACKEND, maxBatch, in, out,
                served.recurrent() ? OptionalLong.of(sessionIdle.toNanos() / 1000) : OptionalLong.empty(), params);
    }

    /**
     * A model's output names as one string value (a JSON array in text: metadata and configuration
     * parameters hold only strings, numbers and booleans).
     */
    public static String outputNamesText(List<String> names) {
        try {
            return JSON.writeValueAsString(names);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }
}
