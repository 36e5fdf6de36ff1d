package dev.quantumliquid.server.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The result cache is bounded by bytes as well as entries, and keeps results flat. */
class ResultCacheTest {
    private static ResultCache.Key key(int i, int steps) {
        return new ResultCache.Key("m", 1, "ab".repeat(32), 0, 1, steps, new float[] {i}, new float[0], new float[0]);
    }

    /** One sequence of {@code steps} steps of {@code outputs} outputs, as the engine returns it ([B][T][O]). */
    private static ResultCache.Value value(int steps, int outputs) {
        return ResultCache.Value.of(new float[1][steps][outputs], new float[0][], new float[0]);
    }

    /**
     * 32 x 4096-step results are about 4.6 MB each as float[1] per step; 650 of them killed a 3 GiB
     * pod under an entry bound. Under a byte bound the cache holds what fits and no more.
     */
    @Test
    void theCacheNeverHoldsMoreBytesThanItsBound() {
        long bound = 4L << 20;
        ResultCache c = new ResultCache(1000, bound);
        for (int i = 0; i < 200; i++) {
            c.put(key(i, 4096), value(4096, 8)); // 128 KiB of outputs each
        }
        assertThat(c.weightedBytes()).isPositive().isLessThanOrEqualTo(bound);
        int held = 0;
        for (int i = 0; i < 200; i++) {
            held += c.get(key(i, 4096)).isPresent() ? 1 : 0;
        }
        assertThat(held).isBetween(1, (int) (bound / (128 << 10)));
    }

    @Test
    void aResultLargerThanASixteenthOfTheBoundIsNotCached() {
        ResultCache c = new ResultCache(1000, 1L << 20);
        c.put(key(1, 4096), value(4096, 32)); // 512 KiB
        assertThat(c.get(key(1, 4096))).isEmpty();
        c.put(key(2, 16), value(16, 2));
        assertThat(c.get(key(2, 16))).isPresent();
    }

    @Test
    void theEntryBoundStillHolds() {
        ResultCache c = new ResultCache(10, 64L << 20);
        for (int i = 0; i < 100; i++) {
            c.put(key(i, 1), value(1, 1));
        }
        c.weightedBytes(); // runs pending evictions
        int held = 0;
        for (int i = 0; i < 100; i++) {
            held += c.get(key(i, 1)).isPresent() ? 1 : 0;
        }
        assertThat(held).isLessThanOrEqualTo(10);
    }

    @Test
    void valuesAreFlatAndComeBackInShape() {
        float[][][] y = {{{1, 2}, {3, 4}, {5, 6}}};
        ResultCache.Value v = ResultCache.Value.of(y, new float[][] {{0.5f, 0.6f, 0.7f}}, new float[] {9});
        assertThat(v.output()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(v.outputRows()).isDeepEqualTo(y);
        assertThat(v.coherenceRows()).isDeepEqualTo(new float[][] {{0.5f, 0.6f, 0.7f}});
    }
}
