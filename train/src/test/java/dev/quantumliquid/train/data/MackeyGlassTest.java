package dev.quantumliquid.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.train.TrainException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MackeyGlassTest {
    @Test
    void firstTauFollowsTheClosedFormOfTheLinearOde() {
        // For t <= tau the delayed value is the constant history 1.2, so dx/dt = c - 0.1 x exactly.
        double c = 0.2 * 1.2 / (1 + Math.pow(1.2, 10));
        double[] x = MackeyGlass.series(18);
        for (int t = 0; t <= 17; t++) {
            double exact = c / 0.1 + (1.2 - c / 0.1) * Math.exp(-0.1 * t);
            assertThat(x[t]).as("t=%d", t).isCloseTo(exact, within(1e-10));
        }
        assertThat(x[0]).isEqualTo(1.2);
    }

    @Test
    void staysInTheKnownRangeAndIsChaoticNotConstant() {
        double[] x = MackeyGlass.series(3000);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThan(0.2);
        assertThat(max).isLessThan(1.5);
        assertThat(max - min).isGreaterThan(0.8); // the attractor spans about 0.4..1.3
    }

    @Test
    void deterministicAndPrefixStable() {
        double[] a = MackeyGlass.series(500);
        double[] b = MackeyGlass.series(800);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isEqualTo(a[i]);
        }
    }

    @Test
    void writesAPlainCsvAndTheParametersBesideIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mg.csv");
        MackeyGlass.write(f, 5);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).isEqualTo("t,x");
        assertThat(lines).hasSize(6);
        assertThat(lines.get(1)).isEqualTo("0,1.2");
        var p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("mg.json").toFile());
        assertThat(p.get("tau").asDouble()).isEqualTo(17.0);
        assertThat(p.get("step").asDouble()).isEqualTo(0.1);
        assertThat(p.get("length").asInt()).isEqualTo(5);
        assertThat(MackeyGlass.sidecar(Path.of("a/series.data"))).isEqualTo(Path.of("a/series.data.json"));
    }

    @Test
    void refusesBadLength() {
        assertThatThrownBy(() -> MackeyGlass.series(0)).isInstanceOf(TrainException.class).hasMessageContaining("--length");
    }
}
