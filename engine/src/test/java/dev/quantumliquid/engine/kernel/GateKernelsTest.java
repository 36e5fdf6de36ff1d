package dev.quantumliquid.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GateKernelsTest {
    private static double[] random(Random r, int len) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    @Test
    void vectorTwinAppliesGatesLikeTheScalarReference() {
        Random r = new Random(11);
        for (int bits = 1; bits <= 12; bits++) {
            int len = 1 << bits;
            for (int stride = 1; stride < len; stride *= 2) {
                // any complex 2x2 matrix, not only unitaries: the kernels must not rely on structure
                double[] u = random(r, 8);
                double[] re = random(r, len);
                double[] im = random(r, len);
                double[] re2 = re.clone();
                double[] im2 = im.clone();
                GateKernels.SCALAR.apply(re, im, len, stride, u);
                GateKernels.VECTOR.apply(re2, im2, len, stride, u);
                assertThat(re2).as("re, len %d stride %d", len, stride).containsExactly(re, within(1e-12));
                assertThat(im2).as("im, len %d stride %d", len, stride).containsExactly(im, within(1e-12));
            }
        }
    }

    @Test
    void scalarApplyIsTheMatrixOnEachPair() {
        double[] u = {0.6, -0.1, 0.3, 0.7, -0.2, 0.5, 0.8, 0.05}; // any complex 2x2 matrix, every entry non-zero
        double[] re = {1, 2, 3, 4};
        double[] im = {0.5, -1, 0, 2};
        GateKernels.SCALAR.apply(re, im, 4, 2, u); // pairs (0,2) and (1,3)
        // pair (0, 2): a0 = 1 + 0.5i, a1 = 3
        double n0r = u[0] * 1 - u[1] * 0.5 + u[2] * 3;
        double n0i = u[0] * 0.5 + u[1] * 1 + u[3] * 3;
        assertThat(re[0]).isCloseTo(n0r, within(1e-15));
        assertThat(im[0]).isCloseTo(n0i, within(1e-15));
    }

    @Test
    void vectorTwinSumsMagnitudesLikeTheScalarReference() {
        Random r = new Random(5);
        for (int len = 0; len < 70; len++) {
            for (int off : new int[] {0, 1, 3}) {
                double[] re = random(r, len + off);
                double[] im = random(r, len + off);
                double s = GateKernels.SCALAR.sumAbs(re, im, off, len);
                assertThat(GateKernels.VECTOR.sumAbs(re, im, off, len)).as("len %d off %d", len, off)
                        .isCloseTo(s, within(1e-12));
            }
        }
        assertThat(GateKernels.SCALAR.sumAbs(new double[] {3, 0}, new double[] {4, -2}, 0, 2)).isEqualTo(7.0);
    }
}
