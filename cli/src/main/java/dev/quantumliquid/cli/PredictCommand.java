package dev.quantumliquid.cli;

import dev.quantumliquid.engine.io.SequenceFiles;
import dev.quantumliquid.engine.io.SequenceFormat;
import dev.quantumliquid.engine.io.SequenceInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.BatchResult.Precision;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn predict}: runs a model over the sequences of a file and writes the results. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Runs a model over sequences read from IN and writes the results to OUT.",
            "Formats by extension:",
            "  .safetensors  in: input [B,T,F], optional timespans [B,T], initial_state [B,H], initial_cell [B,C];",
            "                out (F64): output [B,T,O], final_state [B,H], final_cell [B,C] (mixed memory),",
            "                coherence [B,T] (quantum models).",
            "  .csv          one sequence: a header row, then one row per step (no blank rows). The inputs are",
            "                the columns named by model.json input_names (others are ignored), or, when the",
            "                model names none, every column in file order; a column 'dt' is the time span.",
            "                Output: the model's output names (+ 'coherence' for quantum models).",
            "  .json         the body of POST /inference (docs/SERVER.md): {\"input\": [f, ...]} is one step,",
            "                {\"inputs\": [[f, ...], ...]} a sequence; a file may also hold a batch [B][T][F] in",
            "                \"inputs\". Optional \"timespans\" (a number, or one per step), \"initial_state\",",
            "                \"initial_cell\". Output: the safetensors keys, same layout. Example:",
            "                {\"inputs\": [[0.9], [1.0], [1.1]], \"timespans\": 1.0}"})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model version folder.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN", description = "Input file (.safetensors, .csv, .json).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "Output file (.safetensors, .csv, .json).")
    Path output;

    @Option(names = "--precision", defaultValue = "f32", paramLabel = "f32|f64",
            description = "f32: the fast path (default); f64: the float64 reference path.")
    Precision precision;

    @Override
    public Integer call() {
        SequenceFormat.of(input);
        SequenceFormat.of(output);
        Model m = ModelDirs.load(model);
        SequenceInput in = SequenceFiles.read(input, m);
        if (!in.columns().isEmpty()) {
            spec.commandLine().getOut().printf("%s: %s%n", input, in.columns());
        }
        SequenceFiles.checkWritable(output, in);
        BatchResult r = precision == Precision.F64 ? m.predictReference(in.batch()) : m.predict(in.batch());
        SequenceFiles.write(output, m, r, in.layout());
        spec.commandLine().getOut().printf("%s: %d sequence(s) x %d step(s) (%s) written to %s%n", m.name(),
                in.batch().batch(), in.batch().steps(), precision.name().toLowerCase(Locale.ROOT), output);
        return Main.EXIT_OK;
    }
}
