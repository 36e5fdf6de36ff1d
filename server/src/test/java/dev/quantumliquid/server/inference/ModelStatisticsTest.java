package dev.quantumliquid.server.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.inference.ModelStatistics.Stat;
import dev.quantumliquid.server.inference.ModelStatistics.Timing;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ModelStatisticsTest {
    @Test
    void aVersionThatServedNothingHasZeroes() {
        ModelStatistics s = new ModelStatistics(Clock.fixed(Instant.ofEpochMilli(5), ZoneOffset.UTC));
        ModelStatistics.Snapshot z = s.snapshot("m", 3);
        assertThat(z.name()).isEqualTo("m");
        assertThat(z.version()).isEqualTo(3);
        assertThat(z.lastInferenceMillis()).isZero();
        assertThat(z.success()).isEqualTo(new Stat(0, 0));
    }

    @Test
    void successesFailuresAndPhasesAddUpPerVersion() {
        ModelStatistics s = new ModelStatistics(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC));
        s.success("m", 1, 4, new Timing(100, 10, 20, 60, 10, true, false, 3));
        s.success("m", 1, 1, new Timing(30, 0, 25, 0, 0, true, true, 2));
        s.failure("m", 1, 7);
        s.success("m", 2, 1, new Timing(50, 1, 2, 3, 4, false, false, 0));
        ModelStatistics.Snapshot v1 = s.snapshot("m", 1);
        assertThat(v1.inferenceCount()).isEqualTo(5); // sequences: 4 + 1
        assertThat(v1.executionCount()).isEqualTo(1); // the cache hit executed nothing
        assertThat(v1.success()).isEqualTo(new Stat(2, 130));
        assertThat(v1.fail()).isEqualTo(new Stat(1, 7));
        assertThat(v1.queue()).isEqualTo(new Stat(1, 10));
        assertThat(v1.computeInput()).isEqualTo(new Stat(1, 20));
        assertThat(v1.computeInfer()).isEqualTo(new Stat(1, 60));
        assertThat(v1.computeOutput()).isEqualTo(new Stat(1, 10));
        assertThat(v1.cacheHit()).isEqualTo(new Stat(1, 2));
        assertThat(v1.cacheMiss()).isEqualTo(new Stat(1, 3));
        assertThat(v1.lastInferenceMillis()).isEqualTo(1_700_000_000_123L);
        ModelStatistics.Snapshot v2 = s.snapshot("m", 2);
        assertThat(v2.success()).isEqualTo(new Stat(1, 50));
        assertThat(v2.cacheMiss()).isEqualTo(new Stat(0, 0)); // no cache
        assertThat(v2.fail()).isEqualTo(new Stat(0, 0));
    }
}
