package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.model.BatchInput;

/**
 * A batch read from a file, already checked against the model, and the layout it was written in so
 * the result can be written back the same way (one sequence in, one sequence out).
 *
 * @param columns for a CSV file, which columns fed the model's inputs and how they were chosen (one
 *                line for the user); empty for the other formats
 */
public record SequenceInput(BatchInput batch, Layout layout, String columns) {
    public SequenceInput(BatchInput batch, Layout layout) {
        this(batch, layout, "");
    }

    /** How a file laid out its sequences. */
    public enum Layout {
        /** One sequence: input [T][F] (CSV always; JSON when "input" is two levels deep). */
        SEQUENCE,
        /** A batch: input [B][T][F] (safetensors always; JSON when "input" is three levels deep). */
        BATCH
    }
}
