package dev.quantumliquid.train.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.layer.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API primitives give the scalar reference's bits exactly, over sizes that reach every
 * tile and tail; the activations are also within rounding of the tape's formulas (e^x: KernelMathTest).
 */
class ColumnKernelsTest {
    private final ColumnKernels ref = ColumnKernels.SCALAR;
    private final ColumnKernels vec = ColumnKernels.VECTOR;
    private final SplittableRandom r = new SplittableRandom(42);

    private double[] random(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 4 * r.nextDouble() - 2;
        }
        return v;
    }

    /** Equal bit for bit (Double.equals), the claim of this class; no tolerance. */
    private static void sameBits(double[] got, double[] want) {
        assertThat(got).containsExactly(want);
    }

    @Test
    void columnsArePaddedToTheLanes() {
        int l = vec.lanes();
        assertThat(vec.columns(1)).isEqualTo(l);
        assertThat(vec.columns(l + 1)).isEqualTo(2 * l);
        assertThat(ref.columns(7)).isEqualTo(vec.columns(7));
    }

    @Test
    void productsEqualTheReference() {
        int l = vec.lanes();
        for (int rows : new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10, 13, 16}) {
            for (int inner : new int[] {1, 2, 7, 16, 19}) {
                for (int cols : new int[] {l, 2 * l, 3 * l, 4 * l, 5 * l}) {
                    int lda = inner + 3;
                    double[] a = random(2 + rows * lda);
                    double[] bias = random(rows + 1);
                    double[] x = random(1 + inner * cols);
                    for (double[] bb : new double[][] {null, bias}) {
                        double[] c0 = random(2 + rows * cols);
                        double[] c1 = c0.clone();
                        ref.mul(a, 2, lda, rows, inner, bb, 1, x, 1, cols, c0, 2);
                        vec.mul(a, 2, lda, rows, inner, bb, 1, x, 1, cols, c1, 2);
                        sameBits(c1, c0);
                    }
                    int steps = 11; // more than one panel of the vector twin
                    double[] dz = random(5 + steps * (rows + 1) * cols);
                    int ldx = inner + 1;
                    double[] xs = random(3 + steps * (cols + 1) * ldx);
                    double[] w0 = random(4 + rows * (inner + 1));
                    double[] w1 = w0.clone();
                    ref.outer(dz, 5, (rows + 1) * cols, rows, xs, 3, (cols + 1) * ldx, ldx, inner, steps, cols, w0, 4, inner + 1);
                    vec.outer(dz, 5, (rows + 1) * cols, rows, xs, 3, (cols + 1) * ldx, ldx, inner, steps, cols, w1, 4, inner + 1);
                    sameBits(w1, w0);
                    double[] b0 = random(rows + 2);
                    double[] b1 = b0.clone();
                    ref.rowSums(dz, 5, (rows + 1) * cols, rows, steps, cols, b0, 2);
                    vec.rowSums(dz, 5, (rows + 1) * cols, rows, steps, cols, b1, 2);
                    sameBits(b1, b0);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationsAndDerivativesEqualTheReference(Activation f) {
        for (int n : new int[] {1, 4, 7, 33}) {
            double[] a0 = random(n + 2);
            a0[2] = 0.0;
            a0[1] = 30.0; // saturated
            double[] a1 = a0.clone();
            double[] d0 = new double[n + 3];
            double[] d1 = new double[n + 3];
            ref.activate(f, a0, 1, n, d0, 2);
            vec.activate(f, a1, 1, n, d1, 2);
            sameBits(a1, a0);
            sameBits(d1, d0);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationsAreWithinRoundingOfTheTapesFormulas(Activation f) {
        double[] z = random(64);
        double[] a = z.clone();
        double[] d = new double[64];
        vec.activate(f, a, 0, 64, d, 0);
        for (int i = 0; i < 64; i++) {
            assertThat(a[i]).isCloseTo(f.apply(z[i]), within(1e-14));
        }
    }

    @Test
    void elementwiseEqualsTheReference() {
        double[] y0 = random(11);
        double[] y1 = y0.clone();
        double[] d = random(12);
        ref.multiply(y0, 1, d, 2, 9);
        vec.multiply(y1, 1, d, 2, 9);
        sameBits(y1, y0);
        ref.add(y0, 1, d, 2, 9);
        vec.add(y1, 1, d, 2, 9);
        sameBits(y1, y0);
    }

    @Test
    void gateAndItsBackwardEqualTheReference() {
        int l = vec.lanes();
        for (boolean noGate : new boolean[] {false, true}) {
            for (int units : new int[] {1, 3, 6}) {
                int cols = 3 * l;
                int n = units * cols;
                double[] heads = random(1 + 4 * n);
                double[] dt = random(2 + cols);
                double[] s0 = new double[3 + 3 * n];
                double[] s1 = new double[3 + 3 * n];
                double[] h0 = new double[1 + n];
                double[] h1 = new double[1 + n];
                ref.gate(noGate, heads, 1, units, cols, dt, 2, s0, 3, h0, 1);
                vec.gate(noGate, heads, 1, units, cols, dt, 2, s1, 3, h1, 1);
                sameBits(s1, s0);
                sameBits(h1, h0);
                double[] dh = random(n);
                double[] g0 = new double[4 * n];
                double[] g1 = new double[4 * n];
                ref.gateBackward(noGate, dh, 0, units, cols, dt, 2, s0, 3, g0, 0);
                vec.gateBackward(noGate, dh, 0, units, cols, dt, 2, s0, 3, g1, 0);
                sameBits(g1, g0);
            }
        }
    }
}
