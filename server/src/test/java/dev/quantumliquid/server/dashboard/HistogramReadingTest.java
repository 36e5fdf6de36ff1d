package dev.quantumliquid.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Quantiles from cumulative buckets as PromQL's histogram_quantile computes them. */
class HistogramReadingTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesLinearlyInsideTheBucketHoldingTheRank() {
        // 10 observations: 4 in (0, 1], 4 in (1, 2], 2 in (2, 4]
        HistogramReading h = new HistogramReading(new double[] {1, 2, 4, INF}, new long[] {4, 8, 10, 10}, 20);
        assertThat(h.quantile(0.5)).isCloseTo(1.25, within(1e-12)); // rank 5: 1 + (5-4)/4
        assertThat(h.quantile(0.2)).isCloseTo(0.5, within(1e-12)); // lowest bucket starts at 0
        assertThat(h.quantile(0.95)).isCloseTo(3.5, within(1e-12)); // rank 9.5: 2 + 2 * 1.5/2
        assertThat(h.quantile(0.99)).isCloseTo(3.9, within(1e-12));
        assertThat(h.quantile(1.0)).isCloseTo(4.0, within(1e-12));
    }

    @Test
    void aQuantileInTheInfBucketIsTheHighestFiniteBound() {
        HistogramReading h = new HistogramReading(new double[] {1, 2, INF}, new long[] {1, 2, 10}, 100);
        assertThat(h.quantile(0.5)).isEqualTo(2.0);
        assertThat(h.quantile(0.99)).isEqualTo(2.0);
    }

    @Test
    void noObservationsIsNaN() {
        assertThat(HistogramReading.EMPTY.quantile(0.5)).isNaN();
        assertThat(new HistogramReading(new double[] {1, INF}, new long[] {0, 0}, 0).quantile(0.99)).isNaN();
    }

    @Test
    void differencesAndSumsAreBucketWise() {
        HistogramReading a = new HistogramReading(new double[] {1, 2, INF}, new long[] {1, 3, 3}, 4);
        HistogramReading b = new HistogramReading(new double[] {1, 2, INF}, new long[] {2, 7, 9}, 30);
        assertThat(b.minus(a)).isEqualTo(new HistogramReading(new double[] {1, 2, INF}, new long[] {1, 4, 6}, 26));
        assertThat(a.plus(b)).isEqualTo(new HistogramReading(new double[] {1, 2, INF}, new long[] {3, 10, 12}, 34));
        assertThat(b.minus(null)).isEqualTo(b);
        assertThat(HistogramReading.EMPTY.plus(a)).isEqualTo(a);
    }
}
