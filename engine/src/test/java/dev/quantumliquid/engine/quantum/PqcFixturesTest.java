package dev.quantumliquid.engine.quantum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PqcFixturesTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.all("pqc");
    }

    static Model oneLayerModel(Fixtures.Case c) {
        return Fixtures.pqcModel(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceAndFastPathMatchTheFixture(Fixtures.Case c) {
        Model m = oneLayerModel(c);
        assertThat(m.hasCoherence()).isTrue();
        assertThat(m.qubits()).isEqualTo(c.spec().get("n_qubits").asInt());
        BatchInput in = BatchInput.of(Fixtures.rank3f(c.io().require("input")));
        check(m.predictReference(in), c, 1e-9);
        check(m.predict(in, 1), c, 1e-5);
    }

    private static void check(BatchResult r, Fixtures.Case c, double tol) {
        Tensor out = c.io().require("output");
        Tensor coh = c.io().require("coherence");
        int b = out.dim(0);
        int t = out.dim(1);
        int n = out.dim(2);
        double[][] gotCoh = r.coherence().orElseThrow();
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                for (int q = 0; q < n; q++) {
                    assertThat(r.output()[i][k][q]).as("%s output[%d][%d][%d]", c, i, k, q)
                            .isCloseTo(out.get((i * t + k) * n + q), within(tol));
                }
                assertThat(gotCoh[i][k]).as("%s coherence[%d][%d]", c, i, k).isCloseTo(coh.get(i * t + k), within(tol));
            }
        }
    }
}
