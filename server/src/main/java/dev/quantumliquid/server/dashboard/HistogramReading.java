package dev.quantumliquid.server.dashboard;

import java.util.Arrays;

/**
 * A classic histogram at one instant: finite upper bounds then +Inf, cumulative counts (as the
 * {@code _bucket} series of the exposition format) and the sum. Immutable.
 */
record HistogramReading(double[] upperBounds, long[] cumulative, double sum) {
    static final HistogramReading EMPTY = new HistogramReading(new double[] {Double.POSITIVE_INFINITY}, new long[] {0}, 0);

    HistogramReading {
        if (upperBounds.length == 0 || upperBounds.length != cumulative.length
                || upperBounds[upperBounds.length - 1] != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("buckets must end with +Inf and have a count each");
        }
    }

    long count() {
        return cumulative[cumulative.length - 1];
    }

    private boolean sameBuckets(HistogramReading o) {
        return Arrays.equals(upperBounds, o.upperBounds);
    }

    /** This minus an earlier state of the same histogram (what was observed in between). */
    HistogramReading minus(HistogramReading earlier) {
        if (earlier == null || earlier.count() == 0) {
            return this;
        }
        if (!sameBuckets(earlier)) {
            return this; // re-created with other buckets: treat like a counter reset
        }
        long[] c = new long[cumulative.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.max(0, cumulative[i] - earlier.cumulative[i]);
        }
        return new HistogramReading(upperBounds, c, sum - earlier.sum);
    }

    /** Both histograms' observations (as {@code sum by (le)}); buckets must match, else the larger one wins. */
    HistogramReading plus(HistogramReading o) {
        if (o == null || o.count() == 0) {
            return this;
        }
        if (count() == 0) {
            return o;
        }
        if (!sameBuckets(o)) {
            return count() >= o.count() ? this : o;
        }
        long[] c = new long[cumulative.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = cumulative[i] + o.cumulative[i];
        }
        return new HistogramReading(upperBounds, c, sum + o.sum);
    }

    /**
     * The q-quantile by linear interpolation within the bucket holding it, as PromQL's
     * {@code histogram_quantile}: the lowest bucket starts at 0 (when its bound is positive), a
     * quantile in the +Inf bucket is the highest finite bound. NaN when there are no observations.
     */
    double quantile(double q) {
        long total = count();
        if (total == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q <= 0) {
            return q < 0 ? Double.NEGATIVE_INFINITY : lowerBound(0);
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        double rank = q * total;
        int b = 0;
        while (b < cumulative.length - 1 && cumulative[b] < rank) {
            b++;
        }
        int last = upperBounds.length - 1;
        if (b == last) {
            return last == 0 ? Double.NaN : upperBounds[last - 1];
        }
        double upper = upperBounds[b];
        if (b == 0 && upper <= 0) {
            return upper;
        }
        double lower = lowerBound(b);
        long below = b == 0 ? 0 : cumulative[b - 1];
        long inBucket = cumulative[b] - below;
        if (inBucket == 0) {
            return upper;
        }
        return lower + (upper - lower) * (rank - below) / inBucket;
    }

    private double lowerBound(int b) {
        return b == 0 ? Math.min(0, upperBounds[0]) : upperBounds[b - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramReading h && Arrays.equals(upperBounds, h.upperBounds) && Arrays.equals(cumulative, h.cumulative)
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(cumulative) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "HistogramReading" + Arrays.toString(upperBounds) + Arrays.toString(cumulative) + " sum " + sum;
    }
}
