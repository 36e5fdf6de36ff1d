package dev.quantumliquid.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each vectorised kernel against its scalar twin, over sizes around the lane count and tile boundaries. */
class KernelTwinsTest {
    private static final int L = PackedMatrix.LANES;
    private static final Kernels S = Kernels.SCALAR;
    private static final Kernels V = Kernels.VECTOR;
    private final Random rnd = new Random(42);

    private float[] rand(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2f - 1f) * scale;
        }
        return a;
    }

    private static void close(float[] got, float[] want, double tol) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("index %d", i).isCloseTo(want[i], within(tol * Math.max(1.0, Math.abs(want[i]))));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 8, 9, 31, 32, 33, 40, 64, 65, 100, 128, 200})
    void packedMatVecAgreesWithRowMajorAndAcrossTwins(int rows) {
        for (int cols : new int[] {1, 3, 4, 5, 17, 70}) {
            float[] w = rand(rows * cols, 1f);
            float[] b = rand(rows, 1f);
            float[] x = rand(cols + 2, 1f);
            PackedMatrix m = PackedMatrix.of(w, b, rows, cols);
            float[] plain = new float[rows];
            S.matVec(w, b, x, 2, rows, cols, plain, 0);
            float[] ys = new float[m.paddedRows() + 1];
            float[] yv = new float[m.paddedRows() + 1];
            S.matVec(m, x, 2, ys, 1);
            V.matVec(m, x, 2, yv, 1);
            float[] want = new float[m.paddedRows() + 1];
            System.arraycopy(plain, 0, want, 1, rows);
            close(ys, want, 1e-5);
            close(yv, want, 1e-5);
            V.matVecTanh(m, x, 2, yv, 1, 0.666f, 1.7159f);
            S.matVecTanh(m, x, 2, ys, 1, 0.666f, 1.7159f);
            for (int r = 0; r < rows; r++) {
                assertThat((double) ys[1 + r]).isCloseTo(1.7159 * Math.tanh(0.666 * plain[r]), within(1e-5));
            }
            close(yv, ys, 2e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 9, 16, 26, 50, 57, 63})
    void fusedHeadsAgreeWithMatVecThenGate(int units) {
        int cols = 37;
        float[][] w = new float[4][];
        float[][] b = new float[4][];
        float[] stacked = new float[4 * units * cols];
        float[] stackedB = new float[4 * units];
        for (int k = 0; k < 4; k++) {
            w[k] = rand(units * cols, 0.3f);
            b[k] = rand(units, 0.5f);
            System.arraycopy(w[k], 0, stacked, k * units * cols, units * cols);
            System.arraycopy(b[k], 0, stackedB, k * units, units);
        }
        PackedHeads ph = PackedHeads.of(w, b, units, cols);
        float[] z = rand(cols + 1, 1f);
        float[] heads = new float[4 * units];
        S.matVec(stacked, stackedB, z, 1, 4 * units, cols, heads, 0);
        for (boolean noGate : new boolean[] {false, true}) {
            float[] want = new float[units + 2];
            S.cfcGate(heads, units, 0.7f, noGate, want, 1);
            float[] gv = new float[units + 2];
            V.cfcGate(heads.clone(), units, 0.7f, noGate, gv, 1); // the vector kernel overwrites heads
            close(gv, want, 2e-6);
            float[] hs = new float[units + 2];
            float[] hv = new float[units + 2];
            S.cfcHeads(ph, z, 1, 0.7f, noGate, new float[ph.scratchSize()], hs, 1);
            V.cfcHeads(ph, z, 1, 0.7f, noGate, new float[ph.scratchSize()], hv, 1);
            close(hs, want, 2e-6);
            close(hv, want, 2e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 8, 9, 16, 26, 50, 57, 63})
    void unitTimeSpanHeadsEqualTheFourHeadsAtDtOne(int units) {
        int cols = 37;
        float[][] w = new float[4][];
        float[][] b = new float[4][];
        for (int k = 0; k < 4; k++) {
            w[k] = rand(units * cols, 0.3f);
            b[k] = rand(units, 0.5f);
        }
        PackedHeads four = PackedHeads.of(w, b, units, cols);
        PackedHeads three = PackedHeads.unitTimeSpan(w, b, units, cols);
        float[] z = rand(cols + 1, 1f);
        for (boolean noGate : new boolean[] {false, true}) {
            float[] want = new float[units + 2];
            S.cfcHeads(four, z, 1, 1f, noGate, new float[four.scratchSize()], want, 1);
            float[] hs = new float[units + 2];
            float[] hv = new float[units + 2];
            S.cfcHeads(three, z, 1, 1f, noGate, new float[three.scratchSize()], hs, 1);
            V.cfcHeads(three, z, 1, 1f, noGate, new float[three.scratchSize()], hv, 1);
            // (Wa + Wb) z rounds differently from Wa z + Wb z: float32 rounding only
            close(hs, want, 2e-6);
            close(hv, want, 2e-6);
            assertThat(hv[0]).isZero(); // nothing written outside [1, units]
            assertThat(hv[units + 1]).isZero();
        }
    }

    @Test
    void sparseMatVecKeepsOnlyMaskedEntries() {
        int rows = 9;
        int cols = 19;
        float[] w = rand(rows * cols, 1f);
        float[] keep = new float[rows * cols];
        float[] masked = new float[rows * cols];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = rnd.nextInt(3) == 0 ? 0f : 1f;
            masked[i] = w[i] * keep[i];
        }
        keep[0] = 1f; // row 0 dense enough for a full vector in most draws, row 8 fully masked below
        for (int c = 0; c < cols; c++) {
            keep[8 * cols + c] = 0f;
            masked[8 * cols + c] = 0f;
        }
        float[] b = rand(rows, 1f);
        float[] x = rand(cols + 3, 1f);
        SparseMatrix m = SparseMatrix.of(w, keep, b, rows, cols);
        float[] want = new float[rows];
        S.matVec(masked, b, x, 3, rows, cols, want, 0);
        float[] ys = new float[rows];
        float[] yv = new float[rows];
        S.matVec(m, x, 3, ys, 0);
        V.matVec(m, x, 3, yv, 0);
        close(ys, want, 1e-5);
        close(yv, want, 1e-5);
        assertThat(yv[8]).isEqualTo(b[8]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 84, 140})
    void synapseCurrentsMatchTheirDefinition(int count) {
        int pres = 20;
        int posts = 28;
        int[] post = new int[count];
        int[] pre = new int[count];
        for (int s = 0; s < count; s++) {
            post[s] = s * posts / Math.max(count, 1);
            pre[s] = rnd.nextInt(pres);
        }
        float[] sigma = rand(count, 8f);
        float[] mu = rand(count, 1f);
        float[] w = rand(count, 1f);
        float[] erev = rand(count, 1f);
        SynapseList list = SynapseList.of(posts, post, pre, sigma, mu, w, erev);
        float[] v = rand(pres, 30f); // wide enough that some sigmoids saturate
        double[] num = new double[posts];
        double[] den = new double[posts];
        for (int s = 0; s < count; s++) {
            double a = w[s] / (1.0 + Math.exp(-(sigma[s] * ((double) v[pre[s]] - mu[s]))));
            num[post[s]] += a * erev[s];
            den[post[s]] += a;
        }
        for (Kernels k : new Kernels[] {S, V}) {
            float[] n = new float[posts];
            float[] d = new float[posts];
            k.synapseCurrents(list, v, new float[list.scratchSize()], n, d);
            for (int j = 0; j < posts; j++) {
                assertThat((double) n[j]).as("%s num %d", k, j).isCloseTo(num[j], within(1e-5));
                assertThat((double) d[j]).as("%s den %d", k, j).isCloseTo(den[j], within(1e-5));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 84, 140})
    void laneKernelsGiveEachLaneItsSingleSampleResult(int count) {
        int pres = 28; // recurrent: v feeds both the currents and the update
        int posts = 28;
        int lanes = 2 * L;
        int[] post = new int[count];
        int[] pre = new int[count];
        for (int s = 0; s < count; s++) {
            post[s] = s * posts / Math.max(count, 1);
            pre[s] = rnd.nextInt(pres);
        }
        SynapseList list = SynapseList.of(posts, post, pre, rand(count, 8f), rand(count, 1f), rand(count, 1f),
                rand(count, 1f));
        float[] v = rand(pres * lanes, 30f); // [pres][lanes]
        float[] cmt = rand(posts * lanes, 1f);
        float[] nb = rand(posts * lanes, 1f);
        float[] db = rand(posts * lanes, 1f);
        for (int j = 0; j < db.length; j++) {
            db[j] = 3f + Math.abs(db[j]);
        }
        float[][] got = new float[2][];
        Kernels[] twins = {S, V};
        for (int t = 0; t < 2; t++) {
            Kernels k = twins[t];
            float[] num = new float[posts * lanes];
            float[] den = new float[posts * lanes];
            k.synapseCurrentsLanes(list, v, num, den, lanes);
            float[] vl = v.clone();
            k.ltcUpdateLanes(vl, cmt, nb, db, num, den, posts, lanes);
            for (int l = 0; l < lanes; l++) {
                // the same lane through the single-sample kernels of the same twin: bit for bit
                float[] v1 = new float[pres];
                float[] n1 = new float[posts];
                float[] d1 = new float[posts];
                float[] c1 = new float[posts];
                float[] nb1 = new float[posts];
                float[] db1 = new float[posts];
                for (int i = 0; i < pres; i++) {
                    v1[i] = v[i * lanes + l];
                }
                k.synapseCurrents(list, v1, new float[list.scratchSize()], n1, d1);
                for (int j = 0; j < posts; j++) {
                    assertThat(num[j * lanes + l]).as("%s num %d lane %d", k, j, l).isEqualTo(n1[j]);
                    assertThat(den[j * lanes + l]).as("%s den %d lane %d", k, j, l).isEqualTo(d1[j]);
                    c1[j] = cmt[j * lanes + l];
                    nb1[j] = nb[j * lanes + l];
                    db1[j] = db[j * lanes + l];
                }
                float[] u1 = new float[posts];
                System.arraycopy(v1, 0, u1, 0, posts);
                k.ltcUpdate(u1, c1, nb1, db1, n1, d1, posts);
                for (int j = 0; j < posts; j++) {
                    assertThat(vl[j * lanes + l]).as("%s v %d lane %d", k, j, l).isEqualTo(u1[j]);
                }
            }
            got[t] = vl;
        }
        close(got[1], got[0], 1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 17})
    void laneMatVecMatchesRowMajorPerLane(int rows) {
        int lanes = L;
        for (int cols : new int[] {1, 5, 28}) {
            float[] w = rand(rows * cols, 1f);
            float[] b = rand(rows, 1f);
            float[] x = rand(cols * lanes, 1f);
            float[] ys = new float[rows * lanes];
            float[] yv = new float[rows * lanes];
            S.matVecLanes(w, b, x, rows, cols, ys, lanes);
            V.matVecLanes(w, b, x, rows, cols, yv, lanes);
            close(yv, ys, 1e-5);
            for (int l = 0; l < lanes; l++) {
                float[] x1 = new float[cols];
                for (int c = 0; c < cols; c++) {
                    x1[c] = x[c * lanes + l];
                }
                float[] y1 = new float[rows];
                S.matVec(w, b, x1, 0, rows, cols, y1, 0);
                for (int r = 0; r < rows; r++) {
                    assertThat((double) ys[r * lanes + l]).isCloseTo(y1[r], within(1e-5));
                }
            }
        }
        assertThatThrownBy(() -> V.matVecLanes(new float[1], new float[1], new float[L + 1], 1, 1, new float[L + 1], L + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 13, 28})
    void elementwiseTwinsAgree(int n) {
        float[] cmt = rand(n, 1f);
        float[] nb = rand(n, 1f);
        float[] db = rand(n, 1f);
        float[] num = rand(n, 1f);
        float[] den = rand(n, 1f);
        for (int j = 0; j < n; j++) {
            db[j] = 3f + Math.abs(db[j]);
        }
        float[] vs = rand(n, 1f);
        float[] vv = vs.clone();
        S.ltcUpdate(vs, cmt, nb, db, num, den, n);
        V.ltcUpdate(vv, cmt, nb, db, num, den, n);
        close(vv, vs, 1e-6);

        float[] a = rand(n + 2, 6f);
        float[] as = a.clone();
        float[] av = a.clone();
        S.tanh(as, 1, n, 0.666f, 1.7159f);
        V.tanh(av, 1, n, 0.666f, 1.7159f);
        close(av, as, 2e-6);
        assertThat(av[0]).isEqualTo(a[0]);
        assertThat(av[n + 1]).isEqualTo(a[n + 1]);
        as = a.clone();
        av = a.clone();
        S.silu(as, 1, n, new float[n]);
        V.silu(av, 1, n, new float[n]);
        close(av, as, 2e-6);
        as = a.clone();
        av = a.clone();
        S.relu(as, 1, n);
        V.relu(av, 1, n);
        close(av, as, 0);

        float[] ff1 = rand(n, 3f);
        float[] tau = rand(n, 1f);
        float[] amp = rand(n, 2f);
        float[] hs = new float[n + 1];
        float[] hv = new float[n + 1];
        S.cfcPure(ff1, tau, amp, n, 0.4f, hs, 1);
        V.cfcPure(ff1, tau, amp, n, 0.4f, hv, 1);
        close(hv, hs, 2e-6);

        float[] z = rand(4 * n, 3f);
        float[] c = rand(n + 1, 1f);
        float[] cs = c.clone();
        float[] cv = c.clone();
        S.lstmGates(z, n, cs, 1, hs, 0);
        V.lstmGates(z.clone(), n, cv, 1, hv, 0); // the vector kernel overwrites z
        close(cv, cs, 2e-6);
        close(hv, hs, 2e-6);
    }
}
