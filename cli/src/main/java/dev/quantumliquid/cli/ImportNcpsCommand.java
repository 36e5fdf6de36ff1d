package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.io.InputFiles;
import dev.quantumliquid.engine.liquid.NcpsImport;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn import-ncps}: an exported ncps module (spec.json + state_dict) to a model version folder. */
@Command(name = "import-ncps", mixinStandardHelpOptions = true,
        description = {"Turns an ncps module exported by tools/ncps_export.py (spec.json + weights.safetensors)",
            "into a loadable model version folder (model.json with checksums + weights)."})
final class ImportNcpsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The module's spec.json.")
    Path specFile;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "The module's state_dict as safetensors.")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Version folder to write, e.g. models/demo/1 (created if missing).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Model name (default: the folder above --out when --out is a version number, else --out's name).")
    String name;

    @Option(names = "--force", description = "Replace the model in a non-empty --out folder.")
    boolean force;

    @Override
    public Integer call() {
        ModelDirs.prepareOut(out, force);
        JsonNode specJson = InputFiles.readJsonObject(specFile);
        TensorFile tensors = InputFiles.readSafeTensors(weights);
        String modelName = name != null ? name : defaultName(out);
        NcpsImport.write(out, modelName, specJson, tensors);
        Model m = ModelFiles.load(out); // proves the folder loads, checksums included
        spec.commandLine().getOut().printf("imported %s as model '%s' into %s: %d inputs -> %d outputs, state %d, %d parameters%n",
                specJson.path("class").asText("ncps module"), m.name(), out, m.inputSize(), m.outputSize(),
                m.stateSize(), m.parameterCount());
        return Main.EXIT_OK;
    }

    static String defaultName(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        Path last = abs.getFileName();
        if (last == null) {
            return "model";
        }
        if (last.toString().matches("\\d+") && abs.getParent() != null && abs.getParent().getFileName() != null) {
            return abs.getParent().getFileName().toString();
        }
        return last.toString();
    }
}
