package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Streaming sessions against batches, state hand-over, the scalar kernels, and allocation-free steps. */
class NcpsSessionTest {
    static java.util.List<Fixtures.Case> cases() {
        return NcpsFixturesTest.cases();
    }

    /** Runs sample b of a fixture through a fresh session, one step at a time, restarting it at step {@code cut}. */
    private static double[][] stream(Model m, Fixtures.Case c, int b, int cut, float[] finalState) {
        float[][][] x = Fixtures.rank3f(c.io().require("input"));
        float[][] dt = c.io().find("timespans").map(Fixtures::rank2f).orElse(null);
        Session s = m.newSession();
        float[] h = c.io().find("initial_state").map(t -> Fixtures.rank2f(t)[b]).orElse(new float[m.hiddenSize()]);
        float[] cell = c.io().find("initial_cell").map(t -> Fixtures.rank2f(t)[b]).orElse(new float[m.cellSize()]);
        float[] full = new float[m.stateSize()];
        m.joinState(h, cell, full);
        s.importState(full);
        double[][] out = new double[x[b].length][m.outputSize()];
        float[] y = new float[m.outputSize()];
        for (int t = 0; t < x[b].length; t++) {
            if (t == cut) {
                float[] mid = s.exportState();
                s = m.newSession();
                s.importState(mid);
            }
            s.step(x[b][t], dt == null ? 1f : dt[b][t], y);
            for (int o = 0; o < y.length; o++) {
                out[t][o] = y[o];
            }
        }
        s.exportState(finalState);
        return out;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void streamingEqualsBatchAndSurvivesAStateHandOver(Fixtures.Case c) {
        Model m = NcpsFixturesTest.model(c);
        BatchResult batch = m.predict(NcpsFixturesTest.input(c), 1);
        int steps = c.io().require("input").dim(1);
        for (int b = 0; b < batch.output().length; b++) {
            float[] fin = new float[m.stateSize()];
            double[][] whole = stream(m, c, b, -1, fin);
            assertThat(whole).isDeepEqualTo(batch.output()[b]);
            float[] h = new float[m.hiddenSize()];
            float[] cell = new float[m.cellSize()];
            m.splitState(fin, h, cell);
            for (int i = 0; i < h.length; i++) {
                assertThat((double) h[i]).isEqualTo(batch.finalState()[b][i]);
            }
            for (int i = 0; i < cell.length; i++) {
                assertThat((double) cell[i]).isEqualTo(batch.finalCell()[b][i]);
            }
            float[] fin2 = new float[m.stateSize()];
            assertThat(stream(m, c, b, steps / 2, fin2)).isDeepEqualTo(whole);
            assertThat(fin2).containsExactly(fin);
        }
    }

    private static <T> T withScalarKernels(Supplier<T> build) {
        String old = System.getProperty("qlnn.kernels");
        System.setProperty("qlnn.kernels", "scalar");
        try {
            return build.get();
        } finally {
            if (old == null) {
                System.clearProperty("qlnn.kernels");
            } else {
                System.setProperty("qlnn.kernels", old);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scalarKernelsMatchNcpsToo(Fixtures.Case c) {
        Model m = withScalarKernels(() -> NcpsFixturesTest.model(c));
        NcpsFixturesTest.assertMatches(c, m.predict(NcpsFixturesTest.input(c)), 1e-5);
    }

    @Test
    void stepsDoNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (Fixtures.Case c : cases()) {
            // The scalar twins: with the Vector API, the interpreter and C1 box vectors until C2 compiles.
            Model m = withScalarKernels(() -> NcpsFixturesTest.model(c));
            Session s = m.newSession();
            float[] x = new float[m.inputSize()];
            float[] y = new float[m.outputSize()];
            for (int i = 0; i < 50; i++) {
                s.step(x, 0.5f, y);
            }
            // The least of three windows: a step that allocates shows in every window, while a one-off
            // allocation of the JVM's own (a compilation's deoptimisation, say) shows in one at most.
            long allocated = Long.MAX_VALUE;
            for (int w = 0; w < 3; w++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    x[i % x.length] = (i % 7) * 0.1f;
                    s.step(x, 0.5f + i % 3, y);
                }
                allocated = Math.min(allocated, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertThat(allocated).as(c + " bytes allocated by 200 steps").isZero();
        }
    }
}
