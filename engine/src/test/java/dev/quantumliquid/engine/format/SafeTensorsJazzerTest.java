package dev.quantumliquid.engine.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantumliquid.engine.EngineException;

/**
 * Coverage-guided fuzzing (Jazzer) of the safetensors parser: any bytes parse, and every tensor of
 * the result reads, or are refused with a one-line EngineException naming the file. Anything else
 * escaping (an IndexOutOfBounds, NegativeArraySize, OutOfMemoryError under the fuzz run's -Xmx) is
 * a finding. Seeds: {@code src/test/resources/dev/quantumliquid/engine/format/SafeTensorsJazzerTestInputs/parse/}.
 * Without JAZZER_FUZZ this runs the seeds as a regression test; see docs/SECURITY.md for fuzzing.
 */
class SafeTensorsJazzerTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] bytes) {
        TensorFile f;
        try {
            f = SafeTensors.parse("fuzz.safetensors", bytes);
        } catch (EngineException e) {
            assertThat(e.getMessage()).startsWith("fuzz.safetensors").doesNotContain("\n").doesNotContain("\r");
            return;
        }
        for (String n : f.names()) {
            Tensor t = f.require(n);
            assertThat(t.toDoubleArray()).hasSize(t.size());
        }
    }
}
