package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.NcpsImport;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every ncps fixture: float64 path within 1e-9 and float32 path within 1e-5 of ncps 1.0.1. */
class NcpsFixturesTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.all("ncps");
    }

    static BatchInput input(Fixtures.Case c) {
        BatchInput in = BatchInput.of(Fixtures.rank3f(c.io().require("input")));
        c.io().find("timespans").ifPresent(t -> in.timespans(Fixtures.rank2f(t)));
        c.io().find("initial_state").ifPresent(t -> in.initialState(Fixtures.rank2f(t)));
        c.io().find("initial_cell").ifPresent(t -> in.initialCell(Fixtures.rank2f(t)));
        return in;
    }

    static Model model(Fixtures.Case c) {
        return NcpsImport.toModel(c.name(), c.spec(), c.weights());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void referencePathMatchesNcpsWithin1e9(Fixtures.Case c) {
        BatchResult r = model(c).predictReference(input(c));
        assertMatches(c, r, 1e-9);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fastPathMatchesNcpsWithin1e5(Fixtures.Case c) {
        BatchResult r = model(c).predict(input(c));
        assertMatches(c, r, 1e-5);
    }

    static void assertMatches(Fixtures.Case c, BatchResult r, double tol) {
        Tensor out = c.io().require("output");
        assertThat(maxDiff(r.output(), out)).as(c + " output").isLessThanOrEqualTo(tol);
        assertThat(maxDiff(r.finalState(), c.io().require("final_state"))).as(c + " final_state").isLessThanOrEqualTo(tol);
        if (c.io().has("final_cell")) {
            assertThat(maxDiff(r.finalCell(), c.io().require("final_cell"))).as(c + " final_cell").isLessThanOrEqualTo(tol);
        } else {
            assertThat(r.finalCell()[0]).as(c + " has no cell").isEmpty();
        }
    }

    static double maxDiff(double[][][] got, Tensor want) {
        int b = want.dim(0);
        int t = want.dim(1);
        int f = want.dim(2);
        assertThat(got.length).isEqualTo(b);
        double max = 0;
        for (int i = 0; i < b; i++) {
            assertThat(got[i].length).isEqualTo(t);
            for (int k = 0; k < t; k++) {
                assertThat(got[i][k].length).isEqualTo(f);
                for (int j = 0; j < f; j++) {
                    max = Math.max(max, Math.abs(got[i][k][j] - want.get((i * t + k) * f + j)));
                }
            }
        }
        return max;
    }

    static double maxDiff(double[][] got, Tensor want) {
        int b = want.dim(0);
        int n = want.dim(1);
        assertThat(got.length).isEqualTo(b);
        double max = 0;
        for (int i = 0; i < b; i++) {
            assertThat(got[i].length).isEqualTo(n);
            for (int j = 0; j < n; j++) {
                max = Math.max(max, Math.abs(got[i][j] - want.get(i * n + j)));
            }
        }
        return max;
    }
}
