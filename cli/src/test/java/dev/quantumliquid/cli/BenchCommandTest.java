package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
    @TempDir
    Path tmp;

    private static JsonNode lastLine(Cli.Run r) throws Exception {
        List<String> lines = r.outLines();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    @Test
    void streamJsonLastLineParses() throws Exception {
        Path dir = TestModels.mlp(tmp.resolve("m"));
        Cli.Run r = Cli.run("bench", "--model", dir.toString(), "--mode", "stream", "--warmup-s", "0", "--seconds", "0.2",
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = lastLine(r);
        assertThat(o.get("steps_per_second").asDouble()).isPositive();
        assertThat(o.get("us_per_step").asDouble()).isPositive();
        assertThat(o.get("steps_per_second").asDouble() * o.get("us_per_step").asDouble()).isCloseTo(1e6,
                org.assertj.core.api.Assertions.within(1.0));
        assertThat(o.get("mode").asText()).isEqualTo("stream");
        assertThat(o.get("batch").asInt()).isEqualTo(1);
        assertThat(o.get("steps").asInt()).isEqualTo(100);
        assertThat(o.get("threads").asInt()).isEqualTo(1);
        assertThat(o.get("model").asText()).isEqualTo("tiny");
    }

    @Test
    void batchModeCountsSampleSteps() throws Exception {
        Path dir = TestModels.mlp(tmp.resolve("m"));
        Cli.Run r = Cli.run("bench", "--model", dir.toString(), "--mode", "batch", "--batch", "8", "--steps", "10",
                "--threads", "2", "--warmup-s", "0.05", "--seconds", "0.2", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = lastLine(r);
        assertThat(o.get("mode").asText()).isEqualTo("batch");
        assertThat(o.get("batch").asInt()).isEqualTo(8);
        assertThat(o.get("steps").asInt()).isEqualTo(10);
        assertThat(o.get("threads").asInt()).isEqualTo(2);
        assertThat(o.get("sample_steps").asLong() % 80).isZero();
        assertThat(o.get("steps_per_second").asDouble()).isPositive();
    }

    @Test
    void textOutputAndBadOptions() {
        Path dir = TestModels.mlp(tmp.resolve("m"));
        Cli.Run r = Cli.run("bench", "--model", dir.toString(), "--warmup-s", "0", "--seconds", "0.1", "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("steps/s", "us/step", "stream");
        for (String[] bad : new String[][] {{"--batch", "0"}, {"--steps", "-1"}, {"--seconds", "0"}, {"--threads", "0"},
            {"--warmup-s", "-1"}}) {
            Cli.Run b = Cli.run("bench", "--model", dir.toString(), "--mode", "batch", bad[0], bad[1]);
            assertThat(b.code()).as(bad[0]).isEqualTo(2);
            assertThat(b.errLines()).hasSize(1);
            assertThat(b.err()).startsWith("qlnn: " + bad[0] + " must be");
        }
    }
}
