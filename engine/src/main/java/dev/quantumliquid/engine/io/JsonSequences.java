package dev.quantumliquid.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Sequences as JSON, in the shapes of the HTTP {@code /inference} body: {@code "input": [F]} is one
 * step, {@code "inputs": [T][F]} a sequence; files also take a batch, {@code "inputs": [B][T][F]}
 * ({@code "input"} with a sequence or a batch is read the same way). Optional {@code "timespans"} (a
 * number for every step, [T] / [B][T]), {@code "initial_state"} ([H] / [B][H]) and
 * {@code "initial_cell"} ([C] / [B][C]). The result has the keys of the safetensors output, in the
 * input's layout.
 */
final class JsonSequences {
    private static final Set<String> INPUT_KEYS = Set.of("input", "inputs", "timespans", "initial_state", "initial_cell");
    // Keys of a result file; tolerated so a result can be fed back in (its values are ignored).
    private static final Set<String> OUTPUT_KEYS = Set.of("output", "final_state", "final_cell", "coherence");
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build()).build());

    private JsonSequences() {
    }

    static SequenceInput read(Path file, Model model) {
        JsonNode root;
        try {
            root = JSON.readTree(SequenceValues.readAll(file, SequenceValues.MAX_TEXT_BYTES));
        } catch (JsonProcessingException e) {
            throw new EngineException(file + ": not valid JSON (" + Json.parseError(e) + ")");
        } catch (IOException e) {
            throw new EngineException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new EngineException(file + ": must hold a JSON object with the field 'inputs' (a sequence) or 'input' (one step)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!INPUT_KEYS.contains(k) && !OUTPUT_KEYS.contains(k)) {
                throw new EngineException(file + ": unknown field '" + Json.abbreviate(k)
                        + "' (expected inputs or input, timespans, initial_state, initial_cell)");
            }
        }
        boolean hasInput = root.hasNonNull("input");
        boolean hasInputs = root.hasNonNull("inputs");
        if (hasInput == hasInputs) {
            throw new EngineException(file + (hasInput ? ": give 'inputs' (a sequence) or 'input' (one step), not both"
                    : ": missing field 'inputs' (a sequence [[f, ...], ...]) or 'input' (one step [f, ...])"));
        }
        String field = hasInputs ? "inputs" : "input";
        JsonNode input = root.get(field);
        boolean oneStep = !nonEmptyArray(input, file, field, "").get(0).isArray();
        if (oneStep && hasInputs) {
            throw new EngineException(file + ": field 'inputs' is a sequence, one array per step ([[f, ...], ...]); one step"
                    + " goes in 'input'");
        }
        if (oneStep) {
            input = JSON.createArrayNode().add(input);
        }
        Layout layout = input.get(0).isArray() && nonEmptyArray(input.get(0), file, field, "[0]").get(0).isArray()
                ? Layout.BATCH : Layout.SEQUENCE;
        Reader r = new Reader(file, layout);
        float[][][] x = layout == Layout.BATCH ? r.rank3(input, field, model.inputSize(), "the model's input features")
                : new float[][][] {r.rank2(input, field, "", model.inputSize(), "the model's input features")};
        int b = x.length;
        int t = x[0].length;
        for (int i = 1; i < b; i++) {
            if (x[i].length != t) {
                throw new EngineException(file + ": field '" + field + "' at [" + i + "] has " + x[i].length + " steps, [0] has " + t);
            }
        }
        BatchInput in = BatchInput.of(x);
        JsonNode ts = root.get("timespans");
        if (ts != null && ts.isNumber()) { // one time span for every step, as /inference takes it
            ts = JSON.valueToTree(java.util.Collections.nCopies(t, ts.doubleValue()));
            if (layout == Layout.BATCH) {
                ts = JSON.valueToTree(java.util.Collections.nCopies(b, ts));
            }
        }
        if (ts != null && !ts.isNull()) {
            String steps = "the steps of '" + field + "'";
            float[][] dt = layout == Layout.BATCH ? r.rank2(ts, "timespans", "", t, steps)
                    : new float[][] {r.rank1(ts, "timespans", "", t, steps)};
            r.rows(dt, b, "timespans");
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < t; k++) {
                    String at = layout == Layout.BATCH ? "[" + i + "][" + k + "]" : "[" + k + "]";
                    SequenceValues.timespan(dt[i][k], file + ": field 'timespans' at " + at, dt[i][k]);
                }
            }
            in.timespans(dt);
        }
        float[][] h = r.state(root, "initial_state", model.hiddenSize(), b, "recurrent state", "the model's hidden state size");
        if (h != null) {
            in.initialState(h);
        }
        float[][] c = r.state(root, "initial_cell", model.cellSize(), b, "mixed-memory cell", "the model's cell size");
        if (c != null) {
            in.initialCell(c);
        }
        return new SequenceInput(in, layout);
    }

    private static JsonNode nonEmptyArray(JsonNode n, Path file, String field, String at) {
        if (!n.isArray() || n.isEmpty()) {
            throw new EngineException(file + ": field '" + field + "'" + (at.isEmpty() ? "" : " at " + at)
                    + " must be a non-empty array, got " + Json.abbreviate(n));
        }
        return n;
    }

    /** Reads nested number arrays, naming the file, field and index of each refusal. */
    private record Reader(Path file, Layout layout) {
        float[][][] rank3(JsonNode n, String field, int width, String why) {
            nonEmptyArray(n, file, field, "");
            float[][][] out = new float[n.size()][][];
            for (int i = 0; i < out.length; i++) {
                out[i] = rank2(n.get(i), field, "[" + i + "]", width, why);
            }
            return out;
        }

        float[][] rank2(JsonNode n, String field, String at, int width, String why) {
            nonEmptyArray(n, file, field, at);
            float[][] out = new float[n.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = rank1(n.get(i), field, at + "[" + i + "]", width, why);
            }
            return out;
        }

        float[] rank1(JsonNode n, String field, String at, int width, String why) {
            String where = file + ": field '" + field + "'" + (at.isEmpty() ? "" : " at " + at);
            if (!n.isArray()) {
                throw new EngineException(where + " must be an array of " + width + " numbers, got " + Json.abbreviate(n));
            }
            if (n.size() != width) {
                throw new EngineException(where + " has " + n.size() + " values, expected " + width + " (" + why + ")");
            }
            float[] out = new float[width];
            for (int i = 0; i < width; i++) {
                JsonNode v = n.get(i);
                String w = file + ": field '" + field + "' at " + at + "[" + i + "]";
                if (!v.isNumber()) {
                    throw new EngineException(w + ": " + Json.abbreviate(v) + " is not a number");
                }
                out[i] = SequenceValues.toFloat(v.asDouble(), w, v);
            }
            return out;
        }

        void rows(float[][] a, int batch, String field) {
            if (a.length != batch) {
                throw new EngineException(file + ": field '" + field + "' has " + a.length + " rows, 'input' has " + batch
                        + " sequences");
            }
        }

        float[][] state(JsonNode root, String field, int width, int batch, String what, String why) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (width == 0) {
                throw new EngineException(file + ": field '" + field + "': the model has no " + what);
            }
            float[][] s = layout == Layout.BATCH ? rank2(n, field, "", width, why)
                    : new float[][] {rank1(n, field, "", width, why)};
            rows(s, batch, field);
            return s;
        }
    }

    static void write(Path file, Model model, BatchResult r, Layout layout) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
            boolean one = layout == Layout.SEQUENCE;
            g.writeStartObject();
            g.writeFieldName("output");
            if (one) {
                matrix(g, r.output()[0], r.precision());
            } else {
                g.writeStartArray();
                for (double[][] y : r.output()) {
                    matrix(g, y, r.precision());
                }
                g.writeEndArray();
            }
            g.writeFieldName("final_state");
            rowsOrFirst(g, r.finalState(), one, r.precision());
            if (model.cellSize() > 0) {
                g.writeFieldName("final_cell");
                rowsOrFirst(g, r.finalCell(), one, r.precision());
            }
            if (r.coherence().isPresent()) {
                g.writeFieldName("coherence");
                rowsOrFirst(g, r.coherence().get(), one, r.precision());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new EngineException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
        bytes.write('\n');
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static void rowsOrFirst(JsonGenerator g, double[][] m, boolean first, BatchResult.Precision p)
            throws IOException {
        if (first) {
            vector(g, m[0], p);
        } else {
            matrix(g, m, p);
        }
    }

    private static void matrix(JsonGenerator g, double[][] m, BatchResult.Precision p) throws IOException {
        g.writeStartArray();
        for (double[] row : m) {
            vector(g, row, p);
        }
        g.writeEndArray();
    }

    private static void vector(JsonGenerator g, double[] v, BatchResult.Precision p) throws IOException {
        g.writeStartArray();
        for (double d : v) {
            if (p == BatchResult.Precision.F32) {
                g.writeNumber((float) d);
            } else {
                g.writeNumber(d);
            }
        }
        g.writeEndArray();
    }
}
