package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.TestServer.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A single sequence runs on an engine session the server reuses across requests; what it answers is
 * what the engine's batch path computes for the same input, to the bit, whichever request reuses
 * which session and whatever state the session was left in.
 */
class SessionReuseTest {
    static final Path REPO = Path.of("../models");
    static final String INFER = "/v2/models/quantum-liquid-demo/infer";

    @Test
    void singleSequencesOnReusedSessionsEqualTheBatchPathToTheBit() {
        Model m = ModelFiles.load(REPO.resolve("quantum-liquid-demo/1"));
        try (TestServer s = TestServer.start(REPO, Map.of("LIQUID_SPARSITY", "0", "QLNN_CACHE_SIZE", "0"))) {
            for (int i = 0; i < 6; i++) {
                float[][][] x = Bodies.input(1, 1 + i % 3, m.inputSize(), i);
                Response r = s.post(INFER, Bodies.infer(x).toString());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                BatchResult want = m.predict(BatchInput.of(x), 1);
                assertThat(Bodies.output(r.json(), "output")).containsExactly(Bodies.flat(want.output()));
                assertThat(Bodies.output(r.json(), "coherence"))
                        .containsExactly(Bodies.flat(new double[][][] {want.coherence().orElseThrow()}));
            }
        }
    }

    @Test
    void aContinuedSequenceOnAReusedSessionEqualsTheBatchPathFromTheSameState() {
        Model m = ModelFiles.load(REPO.resolve("quantum-liquid-demo/1"));
        try (TestServer s = TestServer.start(REPO, Map.of("LIQUID_SPARSITY", "0", "QLNN_CACHE_SIZE", "0"))) {
            float[][][] x = Bodies.input(1, 4, m.inputSize(), 0.5f);
            float[][][] first = {{x[0][0], x[0][1]}};
            float[][][] second = {{x[0][2], x[0][3]}};
            s.post(INFER, Bodies.infer(Bodies.input(1, 3, m.inputSize(), 9f)).toString()); // leaves a session in another state
            JsonNode a = s.post(INFER, Bodies.infer(first).toString()).json();
            var body = Bodies.infer(second);
            body.putObject("parameters").put("state", a.get("parameters").get("state").asText());
            JsonNode b = s.post(INFER, body.toString()).json();
            float[] whole = Bodies.flat(m.predict(BatchInput.of(x), 1).output());
            float[] split = new float[whole.length];
            float[] ya = Bodies.output(a, "output");
            float[] yb = Bodies.output(b, "output");
            System.arraycopy(ya, 0, split, 0, ya.length);
            System.arraycopy(yb, 0, split, ya.length, yb.length);
            assertThat(split).containsExactly(whole);
        }
    }
}
