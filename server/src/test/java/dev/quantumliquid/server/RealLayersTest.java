package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.NcpsImport;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public fixtures served over HTTP with the real liquid (ncps) and quantum (pqc) layers. */
class RealLayersTest {
    static final Path FIXTURES = TestModels.FIXTURES;
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path repo;

    private static ObjectNode inferBody(Tensor input, int sample) {
        int t = input.dim(1);
        int f = input.dim(2);
        float[][][] x = new float[1][t][f];
        for (int k = 0; k < t; k++) {
            for (int j = 0; j < f; j++) {
                x[0][k][j] = (float) input.get((sample * t + k) * f + j);
            }
        }
        return Bodies.infer(x);
    }

    private static float[] row(Tensor expected, int sample) {
        int per = expected.size() / expected.dim(0);
        float[] out = new float[per];
        for (int i = 0; i < per; i++) {
            out[i] = (float) expected.get(sample * per + i);
        }
        return out;
    }

    private static void assertClose(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("value " + i).isCloseTo(want[i], within(TOLERANCE));
        }
    }

    @Test
    void anNcpsFixtureServedOverHttpMatchesItsExpectedOutputAndStreamsAcrossRequests() throws IOException {
        Path dir = FIXTURES.resolve("ncps/cfc_default_20_50");
        JsonNode spec = new ObjectMapper().readTree(dir.resolve("spec.json").toFile());
        TensorFile weights = SafeTensors.read(dir.resolve("weights.safetensors"));
        TensorFile io = SafeTensors.read(dir.resolve("io.safetensors"));
        assertThat(io.has("initial_state") || io.has("timespans")).as("the fixture is a plain zero-state case").isFalse();
        NcpsImport.write(repo.resolve("cfc/1"), "cfc", spec, weights);
        Tensor input = io.require("input");
        try (TestServer s = TestServer.start(repo, Map.of())) {
            JsonNode whole = s.post("/v2/models/cfc/infer", inferBody(input, 0)).json();
            float[] out = Bodies.output(whole, "output");
            assertClose(out, row(io.require("output"), 0));
            String token = whole.get("parameters").get("state").asText();
            assertThat(token).isNotEmpty();

            // The same sample in two requests, carried by the token: exactly the same numbers.
            int t = input.dim(1);
            int half = t / 2;
            ObjectNode body = inferBody(input, 0);
            JsonNode data = body.get("inputs").get(0);
            int f = input.dim(2);
            List<Float> all = new ArrayList<>();
            data.get("data").forEach(n -> all.add((float) n.asDouble()));
            float[][][] first = new float[1][half][f];
            float[][][] second = new float[1][t - half][f];
            for (int k = 0; k < t; k++) {
                for (int j = 0; j < f; j++) {
                    (k < half ? first[0][k] : second[0][k - half])[j] = all.get(k * f + j);
                }
            }
            JsonNode a = s.post("/v2/models/cfc/infer", Bodies.infer(first)).json();
            ObjectNode next = Bodies.infer(second);
            next.putObject("parameters").put("state", a.get("parameters").get("state").asText());
            JsonNode b = s.post("/v2/models/cfc/infer", next).json();
            float[] joined = new float[out.length];
            float[] pa = Bodies.output(a, "output");
            System.arraycopy(pa, 0, joined, 0, pa.length);
            float[] pb = Bodies.output(b, "output");
            System.arraycopy(pb, 0, joined, pa.length, pb.length);
            assertThat(joined).containsExactly(out);
            assertThat(b.get("parameters").get("state").asText()).isEqualTo(token);
        }
    }

    @Test
    void aPqcFixtureServedOverHttpReportsItsExpectedCoherence() throws IOException {
        Path dir = FIXTURES.resolve("pqc/pqc_q2_l2");
        ObjectNode layer = (ObjectNode) new ObjectMapper().readTree(dir.resolve("spec.json").toFile());
        layer.put("name", "q").put("weights_prefix", "");
        TensorFile weights = SafeTensors.read(dir.resolve("weights.safetensors"));
        TensorFile io = SafeTensors.read(dir.resolve("io.safetensors"));
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("format", ModelFiles.FORMAT).put("name", "pqc").put("input_features", layer.get("input_size").asInt());
        var names = root.putArray("output_names");
        for (int q = 0; q < layer.get("n_qubits").asInt(); q++) {
            names.add("z" + q);
        }
        root.putArray("layers").add(layer);
        ModelFiles.write(repo.resolve("pqc/1"), root, new ArrayList<>(weights.tensors().values()), List.of());
        Tensor input = io.require("input");
        try (TestServer s = TestServer.start(repo, Map.of())) {
            for (int b = 0; b < input.dim(0); b++) {
                JsonNode r = s.post("/v2/models/pqc/infer", inferBody(input, b)).json();
                assertClose(Bodies.output(r, "output"), row(io.require("output"), b));
                float[] coh = Bodies.output(r, "coherence");
                assertClose(coh, row(io.require("coherence"), b));
                double mean = 0;
                for (float c : coh) {
                    mean += c;
                }
                assertThat(r.get("parameters").get("coherence_mean").asDouble()).isCloseTo(mean / coh.length, within(1e-6));
            }
            assertThat(Files.exists(repo.resolve("pqc/1/model.json"))).isTrue();
            assertThat(Arrays.asList(s.get("/metrics").body().split("\n"))).anyMatch(l -> l.startsWith(
                    "quantum_liquid_coherence_avg{model=\"pqc\"}"));
        }
    }
}
