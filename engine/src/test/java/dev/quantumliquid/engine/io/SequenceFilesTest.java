package dev.quantumliquid.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceFilesTest {
    @TempDir
    Path tmp;

    /**
     * A stand-in with every optional output: state h[1] and a mixed-memory cell c[1], and a coherence
     * of 0.25 each step. y = x + (h, c); h += x0; c += x1.
     */
    static final class Accumulator implements Layer {
        @Override
        public String name() {
            return "acc";
        }

        @Override

        public LayerKind kind() {

            return LayerKind.DENSE;

        }


        @Override
        public String type() {
            return "test";
        }

        @Override
        public int inputSize() {
            return 2;
        }

        @Override
        public int outputSize() {
            return 2;
        }

        @Override
        public int stateSize() {
            return 2;
        }

        @Override
        public int cellSize() {
            return 1;
        }

        @Override
        public boolean reportsCoherence() {
            return true;
        }

        @Override
        public Workspace newWorkspace() {
            return Workspace.NONE;
        }

        @Override
        public float step(float[] x, float[] y, float[] s, int off, float dt, Workspace ws) {
            y[0] = x[0] + s[off];
            y[1] = x[1] + s[off + 1];
            s[off] += x[0] * dt;
            s[off + 1] += x[1];
            return 0.25f;
        }

        @Override
        public double stepReference(double[] x, double[] y, double[] s, int off, double dt) {
            y[0] = x[0] + s[off];
            y[1] = x[1] + s[off + 1];
            s[off] += x[0] * dt;
            s[off + 1] += x[1];
            return 0.25;
        }

        @Override
        public OpCounts opsPerStep() {
            return OpCounts.ZERO;
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public List<Tensor> tensors() {
            return List.of();
        }
    }

    static Model model() {
        return new Model(new ModelInfo("acc", "", 2, List.of("p", "q"), 1.0, "cortex-m4f",
                JsonNodeFactory.instance.objectNode()), List.of(new Accumulator()));
    }

    @Test
    void csvGetsACoherenceColumnAndReadsDt() throws IOException {
        Model m = model();
        Path in = Files.writeString(tmp.resolve("in.csv"), "a,b,dt\n1,2,0.5\n3,4,2\n");
        SequenceInput si = SequenceFiles.read(in, m);
        assertThat(si.layout()).isEqualTo(Layout.SEQUENCE);
        BatchResult r = m.predict(si.batch());
        Path out = tmp.resolve("out.csv");
        SequenceFiles.write(out, m, r, si.layout());
        // step 0: y = (1, 2); h = 0.5, c = 2. step 1: y = (3.5, 6)
        assertThat(Files.readAllLines(out)).containsExactly("p,q,coherence", "1.0,2.0,0.25", "3.5,6.0,0.25");
    }

    @Test
    void csvColumnsAreChosenByTheModelsInputNamesAndTheChoiceIsStated() throws IOException {
        var json = JsonNodeFactory.instance.objectNode();
        json.putArray("input_names").add("b").add("a");
        Model named = new Model(new ModelInfo("acc", "", 2, List.of("p", "q"), 1.0, "cortex-m4f", json), List.of(new Accumulator()));
        Path in = Files.writeString(tmp.resolve("in.csv"), "note,a,dt,b\n0,1,0.5,2\n0,3,2,4\n");
        SequenceInput si = SequenceFiles.read(in, named);
        assertThat(si.columns()).isEqualTo("columns b, a by name (model.json input_names), time spans from 'dt'");
        Path ordered = Files.writeString(tmp.resolve("ordered.csv"), "b,a,dt\n2,1,0.5\n4,3,2\n");
        SequenceInput byOrder = SequenceFiles.read(ordered, model());
        assertThat(byOrder.columns()).isEqualTo("columns b, a in file order (model.json names no inputs), time spans from 'dt'");
        assertThat(named.predict(si.batch()).output()).isDeepEqualTo(model().predict(byOrder.batch()).output());
        Path missing = Files.writeString(tmp.resolve("missing.csv"), "a,c\n1,2\n");
        assertThatThrownBy(() -> SequenceFiles.read(missing, named))
                .hasMessage(missing + ": no column b (the model's input_names: b, a; the header: a, c)");
    }

    @Test
    void jsonFilesTakeTheShapesOfTheHttpBody() throws IOException {
        Model m = model();
        ObjectMapper om = new ObjectMapper();
        Path seq = Files.writeString(tmp.resolve("seq.json"), "{\"inputs\": [[1, 2], [3, 4]], \"timespans\": 0.5}");
        Path old = Files.writeString(tmp.resolve("old.json"), "{\"input\": [[1, 2], [3, 4]], \"timespans\": [0.5, 0.5]}");
        Path out = tmp.resolve("out.json");
        SequenceInput a = SequenceFiles.read(seq, m);
        SequenceInput b = SequenceFiles.read(old, m);
        assertThat(m.predict(a.batch()).output()).isDeepEqualTo(m.predict(b.batch()).output());
        Path step = Files.writeString(tmp.resolve("step.json"), "{\"input\": [1, 2]}");
        SequenceInput one = SequenceFiles.read(step, m);
        assertThat(one.batch().batch()).isEqualTo(1);
        assertThat(one.batch().steps()).isEqualTo(1);
        SequenceFiles.write(out, m, m.predict(one.batch()), one.layout());
        assertThat(om.readTree(out.toFile()).get("output").get(0).size()).isEqualTo(2);
        Path batch = Files.writeString(tmp.resolve("batch.json"), "{\"inputs\": [[[1, 2]], [[3, 4]]]}");
        assertThat(SequenceFiles.read(batch, m).layout()).isEqualTo(Layout.BATCH);
        Path flat = Files.writeString(tmp.resolve("flat.json"), "{\"inputs\": [1, 2]}");
        assertThatThrownBy(() -> SequenceFiles.read(flat, m)).hasMessage(flat
                + ": field 'inputs' is a sequence, one array per step ([[f, ...], ...]); one step goes in 'input'");
        Path both = Files.writeString(tmp.resolve("both.json"), "{\"input\": [1, 2], \"inputs\": [[1, 2]]}");
        assertThatThrownBy(() -> SequenceFiles.read(both, m)).hasMessage(both + ": give 'inputs' (a sequence) or 'input' (one step), not both");
    }

    @Test
    void jsonWritesFinalCellAndCoherenceInTheInputLayout() throws IOException {
        Model m = model();
        ObjectMapper om = new ObjectMapper();
        Path one = Files.writeString(tmp.resolve("one.json"),
                "{\"input\": [[1, 2], [3, 4]], \"initial_state\": [10], \"initial_cell\": [20]}");
        SequenceInput si = SequenceFiles.read(one, m);
        Path out = tmp.resolve("one-out.json");
        SequenceFiles.write(out, m, m.predictReference(si.batch()), si.layout());
        JsonNode o = om.readTree(out.toFile());
        assertThat(o.toString()).isEqualTo(
                "{\"output\":[[11.0,22.0],[14.0,26.0]],\"final_state\":[14.0],\"final_cell\":[26.0],\"coherence\":[0.25,0.25]}");

        Path batch = Files.writeString(tmp.resolve("b.json"),
                "{\"input\": [[[1, 2]], [[3, 4]]], \"timespans\": [[2], [1]], \"initial_cell\": [[1], [2]]}");
        SequenceInput sb = SequenceFiles.read(batch, m);
        assertThat(sb.layout()).isEqualTo(Layout.BATCH);
        Path bout = tmp.resolve("b-out.json");
        SequenceFiles.write(bout, m, m.predict(sb.batch()), sb.layout());
        assertThat(om.readTree(bout.toFile()).toString()).isEqualTo(
                "{\"output\":[[[1.0,3.0]],[[3.0,6.0]]],\"final_state\":[[2.0],[3.0]],\"final_cell\":[[3.0],[6.0]],"
                        + "\"coherence\":[[0.25],[0.25]]}");
    }

    @Test
    void safetensorsReadsStatesAndWritesEveryOutput() {
        Model m = model();
        Path in = tmp.resolve("in.safetensors");
        SafeTensors.write(in, List.of(Tensor.f32("input", new int[] {2, 1, 2}, new float[] {1, 2, 3, 4}),
                Tensor.f32("initial_state", new int[] {2, 1}, new float[] {5, 6}),
                Tensor.f32("timespans", new int[] {2, 1}, new float[] {1, 1})), Map.of());
        SequenceInput si = SequenceFiles.read(in, m);
        Path out = tmp.resolve("out.safetensors");
        SequenceFiles.write(out, m, m.predict(si.batch()), si.layout());
        TensorFile tf = SafeTensors.read(out);
        assertThat(tf.names()).containsExactlyInAnyOrder("output", "final_state", "final_cell", "coherence");
        assertThat(tf.require("output").toDoubleArray()).containsExactly(6, 2, 9, 4);
        assertThat(tf.require("final_state").shape()).containsExactly(2, 1);
        assertThat(tf.require("final_state").toDoubleArray()).containsExactly(6, 9);
        assertThat(tf.require("final_cell").toDoubleArray()).containsExactly(2, 4);
        assertThat(tf.require("coherence").shape()).containsExactly(2, 1);
    }

    @Test
    void statesOfTheWrongWidthOrNonPositiveTimespansAreRefused() throws IOException {
        Model m = model();
        Path in = tmp.resolve("in.safetensors");
        SafeTensors.write(in, List.of(Tensor.f32("input", new int[] {1, 1, 2}, new float[] {1, 2}),
                Tensor.f32("initial_cell", new int[] {1, 2}, new float[] {5, 6})), Map.of());
        assertThatThrownBy(() -> SequenceFiles.read(in, m)).isInstanceOf(EngineException.class)
                .hasMessage(in + ": tensor 'initial_cell' has shape [1, 2], expected [B, 1] (the model's mixed-memory cell size)");
        SafeTensors.write(in, List.of(Tensor.f32("input", new int[] {1, 1, 2}, new float[] {1, 2}),
                Tensor.f32("timespans", new int[] {1, 1}, new float[] {-1})), Map.of());
        assertThatThrownBy(() -> SequenceFiles.read(in, m)).hasMessage(in + ": tensor 'timespans' at [0, 0]: -1.0 is not a positive time span");
        Path json = Files.writeString(tmp.resolve("in.json"), "{\"input\": [[1, 2]], \"timespans\": [0]}");
        assertThatThrownBy(() -> SequenceFiles.read(json, m)).hasMessage(json + ": field 'timespans' at [0]: 0.0 is not a positive time span");
        Files.writeString(json, "{\"input\": [[1, 2]], \"initial_state\": [[1]]}");
        assertThatThrownBy(() -> SequenceFiles.read(json, m)).hasMessage(json + ": field 'initial_state' at [0]: [1] is not a number");
        Files.writeString(json, "[1, 2]");
        assertThatThrownBy(() -> SequenceFiles.read(json, m)).hasMessage(json + ": must hold a JSON object with the field 'inputs' (a sequence) or 'input' (one step)");
        Files.writeString(json, "{\"input\": [[1, 2]");
        assertThatThrownBy(() -> SequenceFiles.read(json, m)).hasMessageStartingWith(json + ": not valid JSON");
    }

    @Test
    void csvCellsMayBeQuotedAndBlankRowsAreRefused() {
        CsvFile f = CsvFile.parse("x.csv", "\uFEFF\"a b\", c ,\"d, e\"\n1, \"2\" ,\"3 \"\"q\"\"\"\n".getBytes(StandardCharsets.UTF_8));
        assertThat(f.header()).containsExactly("a b", "c", "d, e");
        assertThat(f.rows()).singleElement().satisfies(r -> {
            assertThat(r.number()).isEqualTo(2);
            assertThat(r.cells()).containsExactly("1", "2", "3 \"q\"");
        });
        assertThatThrownBy(() -> CsvFile.parse("x.csv", "a,b\n1,2\n\n3,4\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.csv: row 3 is blank (one row per step, no blank rows)");
        assertThatThrownBy(() -> CsvFile.parse("x.csv", "a,b\n1,2,3\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.csv: row 2 has 3 cells, the header has 2");
        assertThatThrownBy(() -> CsvFile.parse("x.csv", "a,a\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.csv: header names column 'a' twice");
        assertThatThrownBy(() -> CsvFile.parse("x.csv", "a,b\n\"1,2\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("x.csv: not valid CSV (");
        assertThatThrownBy(() -> CsvFile.parse("x.csv", "a,b\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("x.csv: no data rows after the header");
    }

    @Test
    void formatIsChosenByExtension() {
        assertThat(SequenceFormat.of(Path.of("a/B.SafeTensors"))).isEqualTo(SequenceFormat.SAFETENSORS);
        assertThat(SequenceFormat.of(Path.of("x.csv"))).isEqualTo(SequenceFormat.CSV);
        assertThat(SequenceFormat.of(Path.of("x.json"))).isEqualTo(SequenceFormat.JSON);
        assertThatThrownBy(() -> SequenceFormat.of(Path.of(".csv"))).hasMessageContaining("unknown file type");
        assertThatThrownBy(() -> SequenceFormat.of(Path.of("x.npy"))).hasMessage("x.npy: unknown file type (extension '.npy'); expected .safetensors, .csv or .json");
    }
}
