package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The normalisation statistics count each training row once. Overlapping windows repeat the middle of
 * the series, so statistics over window steps weight rows unequally; this series makes the two differ.
 */
class NormalisationStatsTest {

    /** Windows of 2 steps over the series 0, 0, 0, 10, 100 (one column); window s holds rows s and s+1. */
    private static double[][][] windows() {
        double[] series = {0, 0, 0, 10, 100};
        double[][][] x = new double[series.length - 1][2][1];
        for (int s = 0; s < x.length; s++) {
            x[s][0][0] = series[s];
            x[s][1][0] = series[s + 1];
        }
        return x;
    }

    @Test
    void meanAndStdAreOverTheRowsTheTrainingWindowsCoverEachOnce() {
        // The first 3 windows cover rows 0, 0, 0, 10: mean 2.5, population variance (3 * 2.5^2 + 7.5^2) / 4.
        double[][] s = TrainJob.stats(windows(), 3, 1);
        assertThat(s[0][0]).isCloseTo(2.5, within(1e-15));
        assertThat(s[1][0]).isCloseTo(Math.sqrt(75.0 / 4), within(1e-12));
        // Over the window steps (0,0 0,0 0,10) the mean would be 10/6 and the variance 100/6 - (10/6)^2.
        double windowedMean = 10.0 / 6;
        assertThat(s[0][0]).isNotCloseTo(windowedMean, within(0.1));
        assertThat(s[1][0]).isNotCloseTo(Math.sqrt(100.0 / 6 - windowedMean * windowedMean), within(0.1));
    }

    @Test
    void rowsOfValidationWindowsAreLeftOut() {
        // cut 2: rows 0, 0, 0 only (the 10 and 100 belong to later windows): constant, so std 1.
        double[][] s = TrainJob.stats(windows(), 2, 1);
        assertThat(s[0][0]).isEqualTo(0.0);
        assertThat(s[1][0]).isEqualTo(1.0);
    }

    @Test
    void allWindowsCoverEveryRowOnce() {
        // cut 4: rows 0, 0, 0, 10, 100: mean 22, variance (3 * 22^2 + 12^2 + 78^2) / 5.
        double[][] s = TrainJob.stats(windows(), 4, 1);
        assertThat(s[0][0]).isCloseTo(22.0, within(1e-12));
        assertThat(s[1][0]).isCloseTo(Math.sqrt((3 * 484.0 + 144 + 6084) / 5), within(1e-12));
    }
}
