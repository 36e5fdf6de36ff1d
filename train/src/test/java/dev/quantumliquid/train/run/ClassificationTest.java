package dev.quantumliquid.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.Windows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence classification from a label column: windows, classes, errors, and a model that learns. */
class ClassificationTest {
    static final int WINDOW = 8;

    /**
     * A noisy signal whose label on each row is the sign of the sum of the last WINDOW values
     * ("pos"/"neg"; the first rows sum what there is).
     */
    static Path signCsv(Path dir, int rows, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        double[] s = new double[rows];
        StringBuilder b = new StringBuilder("t,s,label\n");
        for (int i = 0; i < rows; i++) {
            s[i] = r.nextGaussian();
            double sum = 0;
            for (int k = Math.max(0, i - WINDOW + 1); k <= i; k++) {
                sum += s[k];
            }
            b.append(i).append(',').append(String.format(Locale.ROOT, "%.6f", s[i])).append(',').append(sum > 0 ? "pos" : "neg")
                    .append('\n');
        }
        Path csv = dir.resolve("sign.csv");
        Files.writeString(csv, b);
        return csv;
    }

    private static TrainJob.Options opts(Path csv, Path out, String label, int epochs) {
        return new TrainJob.Options(csv, List.of("s"), List.of(), label, null, WINDOW, 0, "cfc", 6, "full", 0.4, 1111,
                List.of(), 0, 0, 0.0, 1.0, 50.0, new Trainer.Config(epochs, 16, 0.02, 0.0, 1.0, 5, 2, 0.25, 0, 0), out, false);
    }

    @Test
    void learnsTheSignOfAWindowSumWellAboveChance(@TempDir Path dir) throws Exception {
        Path csv = signCsv(dir, 700, 3);
        Path out = dir.resolve("repo/sign/1");
        TrainJob.Result r = TrainJob.run(opts(csv, out, "label", 12), s -> { }, e -> { });
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("task").asText()).isEqualTo("classification");
        assertThat(report.get("config").get("label").asText()).isEqualTo("label");
        JsonNode fin = report.get("final");
        double acc = fin.get("accuracy").asDouble();
        assertThat(fin.get("majority_class_accuracy").asDouble()).isBetween(0.4, 0.65);
        assertThat(acc).as("validation accuracy").isGreaterThan(0.85);
        assertThat(r.headline()).isEqualTo(acc);
        assertThat(fin.get("classes").toString()).isEqualTo("[\"neg\",\"pos\"]");
        assertThat(fin.get("cross_entropy").asDouble()).isLessThan(Math.log(2));
        Model m = ModelFiles.load(out);
        assertThat(m.info().outputNames()).containsExactly("neg", "pos");
        assertThat(m.layers().get(m.layers().size() - 1).type()).isEqualTo("dense");
        int confusionTotal = 0;
        for (JsonNode row : fin.get("confusion")) {
            for (JsonNode v : row) {
                confusionTotal += v.asInt();
            }
        }
        assertThat(confusionTotal).isEqualTo(fin.get("validation_windows").asInt());
    }

    @Test
    void numericLabelsSortByValueAndNameWithoutTrailingZero(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("n.csv");
        Files.writeString(csv, "a,y\n1,10\n2,2\n3,-1.5\n4,2.0\n5,10\n");
        Windows.Labelled l = Windows.classify(CsvTable.read(csv, java.util.Set.of("y")), List.of("a"), "y", null, 2);
        assertThat(l.classes()).containsExactly("-1.5", "2", "10");
        // windows end on rows 1..4: labels 2, -1.5, 2.0, 10 -> classes 1, 0, 1, 2
        assertThat(l.windows().size()).isEqualTo(4);
        assertThat(l.windows().y()[0][1][0]).isEqualTo(1.0);
        assertThat(l.windows().y()[1][1][0]).isEqualTo(0.0);
        assertThat(l.windows().y()[2][1][0]).isEqualTo(1.0);
        assertThat(l.windows().y()[3][1][0]).isEqualTo(2.0);
        assertThat(l.windows().y()[3][0][0]).isEqualTo(1.0); // each step holds its own row's class
    }

    @Test
    void clearErrors(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "a,y\n1,same\n2,same\n3,same\n4,same\n");
        Path out = dir.resolve("o");
        assertThatThrownBy(() -> TrainJob.run(opts(csv, out, "nope", 1), s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("no column 'nope'");
        assertThatThrownBy(() -> Windows.classify(CsvTable.read(csv, java.util.Set.of("y")), List.of("a"), "y", null, 2))
                .isInstanceOf(TrainException.class).hasMessageContaining("label column 'y' has 1 distinct value (same)")
                .hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> Windows.classify(CsvTable.read(csv, java.util.Set.of("y")), List.of("y"), "y", null, 2))
                .isInstanceOf(TrainException.class).hasMessageContaining("cannot also be a feature");
        Path bad = dir.resolve("b.csv");
        Files.writeString(bad, "a,y\n1,0\nx,1\n");
        assertThatThrownBy(() -> CsvTable.read(bad, java.util.Set.of("y")))
                .isInstanceOf(TrainException.class).hasMessageContaining("row 3 column 'a' is not a number: 'x'");
        Path empty = dir.resolve("e.csv");
        Files.writeString(empty, "a,y\n1,0\n2,\n");
        assertThatThrownBy(() -> CsvTable.read(empty, java.util.Set.of("y")))
                .isInstanceOf(TrainException.class).hasMessageContaining("row 3 column 'y' is empty");
        TrainJob.Options both = new TrainJob.Options(csv, List.of("a"), List.of("a"), "y", null, 2, 0, "cfc", 3, "full", 0.4, 1111,
                List.of(), 0, 0, 0.0, 1.0, 50.0, new Trainer.Config(1, 4, 0.01, 0.0, 1.0, 1, 1, 0.25, 0, 0), out, false);
        assertThatThrownBy(() -> TrainJob.run(both, s -> { }, e -> { }))
                .isInstanceOf(TrainException.class).hasMessageContaining("not both");
    }
}
