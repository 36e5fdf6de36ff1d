package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    @TempDir
    Path tmp;
    Path modelDir;
    Model model;

    @BeforeEach
    void model() {
        modelDir = TestModels.mlp(tmp.resolve("models/tiny/1"));
        model = ModelFiles.load(modelDir);
    }

    private static float[][][] inputs(int b, int t, int f) {
        SplittableRandom rnd = new SplittableRandom(11);
        float[][][] x = new float[b][t][];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                x[i][k] = TestModels.gaussian(rnd, f);
            }
        }
        return x;
    }

    private Cli.Run predict(Path in, Path out, String... extra) {
        String[] base = {"predict", "--model", modelDir.toString(), "--input", in.toString(), "--output", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    private static void assertClose(double[][][] got, double[][][] want, double tol) {
        assertThat(got.length).isEqualTo(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i].length).isEqualTo(want[i].length);
            for (int k = 0; k < want[i].length; k++) {
                for (int o = 0; o < want[i][k].length; o++) {
                    assertThat(got[i][k][o]).as("[%d][%d][%d]", i, k, o).isCloseTo(want[i][k][o], within(tol));
                }
            }
        }
    }

    private static double[][][] rank3(Tensor t) {
        double[][][] a = new double[t.dim(0)][t.dim(1)][t.dim(2)];
        for (int i = 0; i < t.size(); i++) {
            a[i / (t.dim(1) * t.dim(2))][i / t.dim(2) % t.dim(1)][i % t.dim(2)] = t.get(i);
        }
        return a;
    }

    @Test
    void theHelpsJsonExampleRunsOnTheBundledModel() throws IOException {
        String help = Cli.run("predict", "--help").out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Example:\\s+(\\{.*\\})").matcher(help);
        assertThat(m.find()).as(help).isTrue();
        Path in = Files.writeString(tmp.resolve("example.json"), m.group(1));
        Path out = tmp.resolve("out.json");
        Cli.Run r = Cli.run("predict", "--model", "../models/quantum-liquid-demo/1", "--input", in.toString(), "--output",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(out.toFile()).get("output").size()).isEqualTo(3);
    }

    @Test
    void safetensorsRoundTripMatchesModelPredict() {
        float[][][] x = inputs(3, 5, 3);
        Path in = tmp.resolve("in.safetensors");
        float[] flat = new float[3 * 5 * 3];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 5; k++) {
                System.arraycopy(x[i][k], 0, flat, (i * 5 + k) * 3, 3);
            }
        }
        SafeTensors.write(in, List.of(Tensor.f32("input", new int[] {3, 5, 3}, flat),
                Tensor.f32("expected_by_someone", new int[] {1}, new float[] {1f})), Map.of());
        Path out = tmp.resolve("out/result.safetensors");
        Cli.Run r = predict(in, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 sequence(s) x 5 step(s)");
        TensorFile tf = SafeTensors.read(out);
        assertThat(tf.names()).containsExactlyInAnyOrder("output", "final_state");
        assertThat(tf.require("output").shape()).containsExactly(3, 5, 2);
        assertThat(tf.require("final_state").shape()).containsExactly(3, 0);
        assertThat(tf.require("output").dtype().name()).isEqualTo("F64");
        assertThat(tf.metadata()).containsEntry("precision", "f32").containsEntry("model", "tiny");
        BatchResult want = model.predict(BatchInput.of(x));
        assertClose(rank3(tf.require("output")), want.output(), 0.0);

        Cli.Run ref = predict(in, out, "--precision", "f64");
        assertThat(ref.code()).as(ref.err()).isZero();
        assertClose(rank3(SafeTensors.read(out).require("output")), model.predictReference(BatchInput.of(x)).output(), 0.0);
    }

    @Test
    void csvRoundTripWithDtColumn() throws IOException {
        Path in = tmp.resolve("in.csv");
        Files.writeString(in, "x1, dt ,x2,x3\n0.5,1.0,-1,2e-1\n\n1.5,0.5,.25,-3\r\n-0.75,2,0,1E+1\n");
        Path out = tmp.resolve("out.csv");
        Cli.Run blank = predict(in, out);
        assertThat(blank.code()).isEqualTo(2);
        assertThat(blank.err()).isEqualTo("qlnn: " + in + ": row 3 is blank (one row per step, no blank rows)\n");
        Files.writeString(in, "x1, dt ,x2,x3\n0.5,1.0,-1,2e-1\n1.5,0.5,.25,-3\r\n-0.75,2,0,1E+1\n");
        Cli.Run r = predict(in, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(in + ": columns x1, x2, x3 in file order (model.json names no inputs), time spans from 'dt'");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("speed,angle");
        float[][][] x = {{{0.5f, -1f, 0.2f}, {1.5f, 0.25f, -3f}, {-0.75f, 0f, 10f}}};
        BatchResult want = model.predict(BatchInput.of(x).timespans(new float[][] {{1f, 0.5f, 2f}}));
        for (int k = 0; k < 3; k++) {
            String[] cells = lines.get(k + 1).split(",");
            assertThat(cells).hasSize(2);
            for (int o = 0; o < 2; o++) {
                assertThat(Float.parseFloat(cells[o])).isEqualTo((float) want.output()[0][k][o]);
            }
        }
    }

    @Test
    void jsonOneSequenceAndBatchKeepTheirLayout() throws IOException {
        ObjectMapper om = new ObjectMapper();
        float[][][] x = inputs(2, 4, 3);
        Path one = tmp.resolve("one.json");
        Files.writeString(one, om.writeValueAsString(Map.of("input", x[0], "timespans", new float[] {1f, 2f, 1f, 0.5f})));
        Path out = tmp.resolve("one-out.json");
        Cli.Run r = predict(one, out);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = om.readTree(out.toFile());
        assertThat(o.properties()).extracting(Map.Entry::getKey).containsExactly("output", "final_state");
        BatchResult want = model.predict(BatchInput.of(new float[][][] {x[0]}).timespans(new float[][] {{1f, 2f, 1f, 0.5f}}));
        assertThat(o.get("output")).hasSize(4);
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 2; j++) {
                assertThat(o.get("output").get(k).get(j).floatValue()).isEqualTo((float) want.output()[0][k][j]);
            }
        }
        assertThat(o.get("final_state").isArray()).isTrue();
        assertThat(o.get("final_state")).isEmpty();

        Path batch = tmp.resolve("batch.json");
        Files.writeString(batch, om.writeValueAsString(Map.of("input", x)));
        Path bout = tmp.resolve("batch-out.json");
        Cli.Run rb = predict(batch, bout, "--precision", "F64");
        assertThat(rb.code()).as(rb.err()).isZero();
        JsonNode b = om.readTree(bout.toFile());
        BatchResult wantB = model.predictReference(BatchInput.of(x));
        assertThat(b.get("output")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 2; j++) {
                    assertThat(b.get("output").get(i).get(k).get(j).doubleValue()).isEqualTo(wantB.output()[i][k][j]);
                }
            }
        }
        assertThat(b.get("final_state")).hasSize(2);
    }

    @Test
    void badCsvCellIsNamedByFileRowAndColumn() throws IOException {
        Path in = tmp.resolve("in.csv");
        Files.writeString(in, "x1,x2,x3\n1,2,3\n4,abc,6\n");
        Cli.Run r = predict(in, tmp.resolve("out.csv"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: " + in + ": row 3 column 'x2': 'abc' is not a number\n");
        assertThat(tmp.resolve("out.csv")).doesNotExist();

        Files.writeString(in, "x1,x2,x3\n1,NaN,3\n");
        assertThat(predict(in, tmp.resolve("out.csv")).err()).contains("row 2 column 'x2': 'NaN' is not a number");
        Files.writeString(in, "x1,x2,x3\n1,1e99,3\n");
        assertThat(predict(in, tmp.resolve("out.csv")).err()).contains("row 2 column 'x2': '1e99' is outside the float32 range");
        Files.writeString(in, "x1,x2,x3,dt\n1,2,3,0\n");
        assertThat(predict(in, tmp.resolve("out.csv")).err()).contains("row 2 column 'dt': '0' is not a positive time span");
        Files.writeString(in, "x1,x2,x3\n1,2,3\n1,2\n");
        assertThat(predict(in, tmp.resolve("out.csv")).err()).contains(in + ": row 3 has 2 cells, the header has 3");
        Files.writeString(in, "x1,x2,x3\n");
        assertThat(predict(in, tmp.resolve("out.csv")).err()).contains("no data rows");
    }

    @Test
    void wrongFeatureCountsAreRefusedNamingTheFile() throws IOException {
        Path csv = tmp.resolve("in.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Cli.Run r = predict(csv, tmp.resolve("o.csv"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains(csv + ": header has 2 feature columns (a, b), the model takes 3 features");

        Path json = tmp.resolve("in.json");
        Files.writeString(json, "{\"input\": [[1,2,3],[4,5]]}");
        r = predict(json, tmp.resolve("o.json"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(json + ": field 'input' at [1] has 2 values, expected 3 (the model's input features)");

        Files.writeString(json, "{\"input\": [[1,2,\"x\"]]}");
        assertThat(predict(json, tmp.resolve("o.json")).err()).contains(json + ": field 'input' at [0][2]: \"x\" is not a number");
        Files.writeString(json, "{\"input\": [[1,2,3]], \"timespan\": [1]}");
        assertThat(predict(json, tmp.resolve("o.json")).err()).contains("unknown field 'timespan'");
        Files.writeString(json, "{\"input\": [[1,2,3]], \"initial_state\": [1]}");
        assertThat(predict(json, tmp.resolve("o.json")).err()).contains("field 'initial_state': the model has no recurrent state");
        Files.writeString(json, "{\"input\": [[[1,2,3]],[[1,2,3],[4,5,6]]]}");
        assertThat(predict(json, tmp.resolve("o.json")).err()).contains("field 'input' at [1] has 2 steps, [0] has 1");

        Path st = tmp.resolve("in.safetensors");
        SafeTensors.write(st, List.of(Tensor.f32("input", new int[] {1, 2, 4}, new float[8])), Map.of());
        r = predict(st, tmp.resolve("o.safetensors"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(st + ": tensor 'input' has shape [1, 2, 4], expected [B, T, 3]");
        SafeTensors.write(st, List.of(Tensor.f32("x", new int[] {1}, new float[1])), Map.of());
        assertThat(predict(st, tmp.resolve("o.safetensors")).err()).contains("missing tensor 'input'");
    }

    @Test
    void unknownExtensionsAndMissingFilesAreClearErrors() throws IOException {
        Path txt = tmp.resolve("in.txt");
        Files.writeString(txt, "1,2,3\n");
        Cli.Run r = predict(txt, tmp.resolve("out.csv"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: " + txt + ": unknown file type (extension '.txt'); expected .safetensors, .csv or .json\n");

        Path csv = tmp.resolve("in.csv");
        Files.writeString(csv, "x1,x2,x3\n1,2,3\n");
        r = predict(csv, tmp.resolve("out.parquet"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("out.parquet: unknown file type");
        assertThat(predict(csv, tmp.resolve("out")).err()).contains("unknown file type (no extension)");

        r = predict(tmp.resolve("missing.csv"), tmp.resolve("out.csv"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: " + tmp.resolve("missing.csv") + ": no such file\n");

        r = Cli.run("predict", "--model", tmp.resolve("nomodel").toString(), "--input", csv.toString(), "--output",
                tmp.resolve("o.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("nomodel: no such directory");

        Files.createDirectories(tmp.resolve("empty"));
        r = Cli.run("predict", "--model", tmp.resolve("empty").toString(), "--input", csv.toString(), "--output",
                tmp.resolve("o.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("model.json: not found");
    }

    @Test
    void csvOutputRefusesABatchBeforeRunning() throws IOException {
        Path json = tmp.resolve("in.json");
        Files.writeString(json, "{\"input\": [[[1,2,3]],[[4,5,6]]]}");
        Cli.Run r = predict(json, tmp.resolve("o.csv"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("o.csv: a CSV file holds one sequence, the input has 2");
    }

    @Test
    void jsonOutputOfACsvInputIsOneSequence() throws IOException {
        Path csv = tmp.resolve("in.csv");
        Files.writeString(csv, "\"x, one\",x2,x3\n1,2,3\n4,5,6\n");
        Path out = tmp.resolve("o.json");
        assertThat(predict(csv, out).code()).isZero();
        JsonNode o = new ObjectMapper().readTree(out.toFile());
        assertThat(o.get("output")).hasSize(2);
        assertThat(o.get("output").get(0)).hasSize(2);
        assertThat(o.get("output").get(0).get(0).isNumber()).isTrue();
    }
}
