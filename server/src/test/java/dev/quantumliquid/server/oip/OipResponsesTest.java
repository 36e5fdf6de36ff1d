package dev.quantumliquid.server.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.quantumliquid.server.inference.InferenceRequest;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.StateSource;
import dev.quantumliquid.server.tensor.TensorDatatype;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The infer response is written token by token; its bytes are those of the same response built as a tree. */
class OipResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String written(InferenceResult r, OipCodec.Parsed p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            OipResponses.infer(g, new ByteArrayBuilder(), r, p, List.of());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The response as a tree, field by field as the OIP section of docs/SERVER.md lists it. */
    private static String tree(InferenceResult r, OipCodec.Parsed p) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("model_name", r.model());
        root.put("model_version", Long.toString(r.version()));
        p.id().ifPresent(id -> root.put("id", id));
        ObjectNode params = root.putObject("parameters");
        r.coherenceMean().ifPresent(m -> params.put("coherence_mean", m));
        params.put("low_coherence", r.lowCoherence());
        r.state().ifPresent(s -> params.put("state", s));
        params.put("steps", r.steps());
        params.put("cache_hit", r.cacheHit());
        params.put("inference_time_ms", r.inferenceMillis());
        p.sequenceId().ifPresent(s -> params.put("sequence_id", s));
        ArrayNode outputs = root.putArray("outputs");
        Set<String> asked = new LinkedHashSet<>();
        p.outputs().forEach(o -> asked.add(o.name()));
        float[][][] y = r.output();
        if (asked.isEmpty() || asked.contains("output")) {
            ObjectNode o = outputs.addObject().put("name", "output").put("datatype", "FP32");
            o.putArray("shape").add(y.length).add(y[0].length).add(y[0][0].length);
            ArrayNode data = o.putArray("data");
            for (float[][] seq : y) {
                for (float[] step : seq) {
                    for (float v : step) {
                        data.add(v);
                    }
                }
            }
        }
        if (r.coherence().isPresent() && (asked.isEmpty() || asked.contains("coherence"))) {
            ObjectNode o = outputs.addObject().put("name", "coherence").put("datatype", "FP32");
            o.putArray("shape").add(y.length).add(y[0].length);
            ArrayNode data = o.putArray("data");
            for (float[] row : r.coherence().get()) {
                for (float v : row) {
                    data.add(v);
                }
            }
        }
        return JSON.writeValueAsString(root);
    }

    private static OipCodec.Parsed parsed(Optional<String> id, Set<String> outputs, Optional<String> sequence) {
        InferenceRequest q = new InferenceRequest("m", OptionalLong.empty(), new float[1][1][1], new float[0][],
                StateSource.fresh());
        List<OipOptions.Output> asked = outputs.stream()
                .map(n -> new OipOptions.Output(n, false, TensorDatatype.FP32, 0)).toList();
        return new OipCodec.Parsed(q, id, asked, false, sequence);
    }

    @Test
    void everyShapeOfResponseIsByteForByteTheTreeSerialisation() throws Exception {
        float[][][] y = {{{0.1f, -2.5e-7f, 3f}, {Float.MIN_VALUE, 1e30f, -0f}}, {{1, 2, 3}, {4, 5, 6}}};
        float[][] coherence = {{0.83835685f, 0.5f}, {1f, 0f}};
        List<InferenceResult> results = List.of(
                new InferenceResult("demo", 3, y, Optional.of(coherence), OptionalDouble.of(0.8383568525314331), false,
                        Optional.of("UUxTAQ-_token"), 17, false, 0.123456789),
                new InferenceResult("demo", 1, y, Optional.empty(), OptionalDouble.empty(), true, Optional.empty(), 2, true,
                        86.093895));
        List<OipCodec.Parsed> requests = List.of(
                parsed(Optional.empty(), Set.of(), Optional.empty()),
                parsed(Optional.of("r\"1\u00e9"), new LinkedHashSet<>(List.of("coherence")), Optional.of("42")),
                parsed(Optional.of("r2"), new LinkedHashSet<>(List.of("output")), Optional.empty()));
        for (InferenceResult r : results) {
            for (OipCodec.Parsed p : requests) {
                assertThat(written(r, p)).isEqualTo(tree(r, p));
            }
        }
    }
}
