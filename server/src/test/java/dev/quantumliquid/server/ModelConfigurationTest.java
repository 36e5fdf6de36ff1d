package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.pruning.Calibration;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.ModelConfiguration.Tensor;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigurationTest {
    @TempDir
    Path repo;

    @Test
    void aFeedForwardModelHasItsShapesAndNoSequenceBatching() {
        ServedModel served = new ServedModel("dense", 4, ModelFiles.load(TestModels.dense(repo, "dense", 4, 0f)),
                Optional.empty(), "ab".repeat(32), Calibration.generated(TestModels.FEATURES), java.util.OptionalDouble.empty());
        ModelConfiguration c = ModelConfiguration.of(served, 32, Duration.ofSeconds(600));
        assertThat(c.name()).isEqualTo("dense");
        assertThat(c.platform()).isEqualTo("qlnn_model");
        assertThat(c.backend()).isEqualTo("qlnn");
        assertThat(c.maxBatchSize()).isEqualTo(32);
        assertThat(c.inputs()).containsExactly(
                new Tensor("input", "TYPE_FP32", List.of(-1L, (long) TestModels.FEATURES), false, List.of()),
                new Tensor("timespans", "TYPE_FP32", List.of(-1L), true, List.of()));
        assertThat(c.outputs()).containsExactly(
                new Tensor("output", "TYPE_FP32", List.of(-1L, (long) TestModels.OUTPUTS), false, List.of("y0", "y1")));
        assertThat(c.sequenceIdleMicroseconds()).isEmpty();
        assertThat(c.parameters()).containsEntry("output_names", "[\"y0\",\"y1\"]").containsEntry("recurrent", "false");
    }

    @Test
    void aRecurrentQuantumModelHasCoherenceAndSequenceBatching() {
        ServedModel served = new ServedModel("leaky", 1, TestLoaders.leaky("leaky"),
                Optional.empty(), "ab".repeat(32), Calibration.generated(TestModels.FEATURES), java.util.OptionalDouble.empty());
        ModelConfiguration c = ModelConfiguration.of(served, 8, Duration.ofSeconds(90));
        assertThat(c.outputs()).extracting(Tensor::name).containsExactly("output", "coherence");
        assertThat(c.sequenceIdleMicroseconds()).hasValue(90_000_000L);
        assertThat(c.parameters()).containsEntry("recurrent", "true").containsEntry("quantum", "true");
    }
}
