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
        description = {"Shows a model's layers, parameters, state size, qubits, sparsity, operations and energy per step.",
            "With --measure also its cost measured on an emulated Cortex-M4F."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model version folder.")
    Path model;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--measure", description = {"Also export the model to C, build it for a Cortex-M4F and run it on",
        "qemu-system-arm -M mps2-an386: flash, RAM, instructions per step and the power they mean",
        "(needs arm-none-eabi-gcc with newlib and qemu-system-arm on PATH)."})
    boolean measure;

    @Override
    public Integer call() throws JsonProcessingException {
        Model m = ModelDirs.load(model);
        ModelReport r = measure ? ModelReport.measured(m, EdgeMeasure.run(m)) : ModelReport.of(m);
        if (json) {
            spec.commandLine().getOut().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));
        } else {
            spec.commandLine().getOut().print(r.text());
        }
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }
}
