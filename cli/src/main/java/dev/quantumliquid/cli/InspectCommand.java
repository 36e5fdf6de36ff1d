package dev.quantumliquid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn inspect}: layers, sizes, sparsity, operations and energy of a model. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's layers, parameters, state size, qubits, liquid sparsity, operations and energy per step.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model version folder.")
    Path model;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Model m = ModelDirs.load(model);
        ModelReport r = ModelReport.of(m);
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));
        } else {
            spec.commandLine().getOut().print(r.text());
        }
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }
}
