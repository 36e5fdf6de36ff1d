package dev.quantumliquid.engine.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationTest {
    @TempDir
    Path dir;

    @Test
    void generatedCalibrationIsTheDocumentedSeededSequence() {
        Calibration c = Calibration.generated(3);
        assertThat(c.batch()).isEqualTo(4);
        assertThat(c.steps()).isEqualTo(32);
        assertThat(c.features()).isEqualTo(3);
        assertThat(c.source()).isEqualTo("generated: N(0,1), SplittableRandom seed 42, 4 x 32");
        SplittableRandom r = new SplittableRandom(42);
        float[][][] x = c.input();
        double sum = 0;
        double sq = 0;
        for (float[][] s : x) {
            for (float[] step : s) {
                for (float v : step) {
                    assertThat(v).isEqualTo((float) r.nextGaussian());
                    sum += v;
                    sq += v * v;
                }
            }
        }
        int n = 4 * 32 * 3;
        assertThat(Math.abs(sum / n)).isLessThan(0.2);
        assertThat(Math.sqrt(sq / n)).isBetween(0.8, 1.2);
        assertThat(Calibration.generated(3).input()).isDeepEqualTo(x);
    }

    @Test
    void versionCalibrationFileIsUsedWhenPresent() {
        Model m = TestModels.denseScale();
        float[] v = new float[2 * 5 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 3;
        }
        ModelFiles.write(dir, m, List.of(Tensor.f32("input", new int[] {2, 5, 3}, v)));
        Calibration c = Calibration.forVersion(dir, ModelFiles.load(dir));
        assertThat(c.source()).isEqualTo("calibration.safetensors");
        assertThat(c.batch()).isEqualTo(2);
        assertThat(c.steps()).isEqualTo(5);
        assertThat(c.input()[1][4]).containsExactly(v[27], v[28], v[29]);
    }

    @Test
    void versionWithoutCalibrationFileGetsTheGeneratedOne() {
        ModelFiles.write(dir, TestModels.denseScale(), List.of());
        assertThat(Calibration.read(dir, 3)).isEmpty();
        assertThat(Calibration.forVersion(dir, TestModels.denseScale()).source()).startsWith("generated:");
    }

    @Test
    void badCalibrationFilesAreRefusedNamingTheTensor() {
        Path p = dir.resolve(ModelFiles.CALIBRATION);
        SafeTensors.write(p, List.of(Tensor.f32("input", new int[] {2, 5, 4}, new float[40])), Map.of());
        assertThatThrownBy(() -> Calibration.read(dir, 3))
                .isInstanceOf(EngineException.class)
                .hasMessage("calibration.safetensors: tensor 'input' has shape [2, 5, 4], expected [B, T, 3] with B, T >= 1");
        SafeTensors.write(p, List.of(Tensor.f32("input", new int[] {10, 3}, new float[30])), Map.of());
        assertThatThrownBy(() -> Calibration.read(dir, 3))
                .hasMessage("calibration.safetensors: tensor 'input' has shape [10, 3], expected [B, T, 3] with B, T >= 1");
        SafeTensors.write(p, List.of(Tensor.f32("input", new int[] {0, 5, 3}, new float[0])), Map.of());
        assertThatThrownBy(() -> Calibration.read(dir, 3))
                .hasMessage("calibration.safetensors: tensor 'input' has shape [0, 5, 3], expected [B, T, 3] with B, T >= 1");
        SafeTensors.write(p, List.of(Tensor.f32("x", new int[] {1, 1, 3}, new float[3])), Map.of());
        assertThatThrownBy(() -> Calibration.read(dir, 3))
                .hasMessage("calibration.safetensors: missing tensor 'input'");
        SafeTensors.write(p, List.of(Tensor.f32("input", new int[] {1, 1, 3}, new float[] {0, Float.NaN, 0})), Map.of());
        assertThatThrownBy(() -> Calibration.read(dir, 3))
                .hasMessage("calibration.safetensors: tensor 'input' holds NaN at flat index 1 (weights must be finite)");
    }

    @Test
    void givenSequencesAreChecked() {
        assertThatThrownBy(() -> Calibration.of(new float[][][] {{{1, 2}}, {{1}}}, "mine"))
                .hasMessage("mine: calibration sample 1 step 0 has 1 features, expected 2");
        assertThatThrownBy(() -> Calibration.of(new float[][][] {{{1, Float.POSITIVE_INFINITY}}}, "mine"))
                .hasMessage("mine: calibration sample 0 step 0 feature 1 is Infinity (must be finite)");
        assertThatThrownBy(() -> Calibration.of(new float[0][][], "mine"))
                .hasMessage("mine: calibration input must have B, T and F of at least 1");
    }
}
