package dev.quantumliquid.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The polynomial exponentials: each in-place (vector) form gives every element the bits of its scalar
 * form, and both stay within a few ulp of {@code Math.exp}, clamped at the ends.
 */
class KernelMathTest {
    @Test
    void doubleExpIsWithinAFewUlpOfMathAndTheLanesMatchTheScalarForm() {
        double[] xs = new double[2001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -700 + 1400.0 * i / (xs.length - 1);
        }
        double[] v = xs.clone();
        KernelMath.expPoly(v, 0, v.length);
        for (int i = 0; i < xs.length; i++) {
            assertThat(v[i]).as("e^%s", xs[i]).isCloseTo(Math.exp(xs[i]), within(4 * Math.ulp(Math.exp(xs[i]))));
            assertThat(KernelMath.expPoly(xs[i])).isEqualTo(v[i]);
        }
        double[] edge = {-1000, -708.5, 709.5, 1000, Double.NaN, 0.0, -0.0, 1e-300};
        double[] e = edge.clone();
        KernelMath.expPoly(e, 0, e.length);
        for (int i = 0; i < edge.length; i++) {
            assertThat(Double.valueOf(e[i])).as("e^%s", edge[i]).isEqualTo(Double.valueOf(KernelMath.expPoly(edge[i])));
        }
        assertThat(e[4]).isNaN();
        assertThat(e[5]).isEqualTo(1.0);
        assertThat(e[0]).isLessThan(1e-307).isPositive();
    }

    @Test
    void floatExpIsWithinAFewUlpOfMathAndTheLanesMatchTheScalarForm() {
        float[] xs = new float[2001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -86f + 172f * i / (xs.length - 1);
        }
        float[] v = xs.clone();
        KernelMath.expPoly(v, 0, v.length);
        for (int i = 0; i < xs.length; i++) {
            float want = (float) Math.exp(xs[i]);
            assertThat(v[i]).as("e^%s", xs[i]).isCloseTo(want, within(4 * Math.ulp(want)));
            assertThat(Float.floatToRawIntBits(KernelMath.expPoly(xs[i]))).isEqualTo(Float.floatToRawIntBits(v[i]));
        }
        float[] edge = {-1000f, -87.5f, 88.5f, 1000f, Float.NaN, 0f, -0f, 1e-30f};
        float[] e = edge.clone();
        KernelMath.expPoly(e, 0, e.length);
        for (int i = 0; i < edge.length; i++) {
            assertThat(Float.valueOf(e[i])).as("e^%s", edge[i]).isEqualTo(Float.valueOf(KernelMath.expPoly(edge[i])));
        }
        assertThat(e[5]).isEqualTo(1f);
        assertThat(e[0]).isPositive().isLessThan(1e-37f);
        assertThat(e[3]).isFinite();
    }
}
