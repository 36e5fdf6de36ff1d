package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.io.SequenceInput.Layout;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;

/**
 * Reads predict inputs and writes predict results as safetensors, CSV or JSON, by file extension.
 * Inputs are checked against the model while reading, so every refusal names the file and the field.
 */
public final class SequenceFiles {
    private SequenceFiles() {
    }

    /** Reads and checks an input file for this model. */
    public static SequenceInput read(Path file, Model model) {
        return switch (SequenceFormat.of(file)) {
            case SAFETENSORS -> SafeTensorSequences.read(file, model);
            case CSV -> CsvSequences.read(file, model);
            case JSON -> JsonSequences.read(file, model);
        };
    }

    /** Refuses an output file that cannot hold the result of this input, before anything runs. */
    public static void checkWritable(Path file, SequenceInput in) {
        if (SequenceFormat.of(file) == SequenceFormat.CSV) {
            CsvSequences.checkWritable(file, in.batch().batch());
        }
    }

    /**
     * Writes a result: {@code output} [B,T,O], {@code final_state} [B,H], {@code final_cell} [B,C]
     * when the model has mixed-memory cells, {@code coherence} [B,T] for quantum models. JSON keeps the
     * input's layout (one sequence drops the B level); CSV holds one sequence: the output names, then
     * a {@code coherence} column for quantum models.
     */
    public static void write(Path file, Model model, BatchResult result, Layout layout) {
        switch (SequenceFormat.of(file)) {
            case SAFETENSORS -> SafeTensorSequences.write(file, model, result);
            case CSV -> CsvSequences.write(file, model, result);
            case JSON -> JsonSequences.write(file, model, result, layout);
        }
    }
}
