package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.io.InputFiles;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.repository.EnergySettings;
import dev.quantumliquid.engine.model.NcpsImport;
import dev.quantumliquid.server.repository.EnergyPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlnn import-ncps}: an exported ncps module (spec.json + state_dict) to a model version folder. */
@Command(name = "import-ncps", mixinStandardHelpOptions = true,
        description = {"Imports an ncps module as a model version folder.",
            "Reads what tools/ncps_export.py writes (spec.json + weights.safetensors) and writes model.json (with",
            "checksums) and the weights, then states the power estimate against the server's energy budget."})
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

    @Option(names = "--description", paramLabel = "TEXT",
            description = "model.json description (default: \"imported from ncps VERSION CLASS\").")
    String description;

    @Option(names = "--sample-rate-hz", paramLabel = "HZ", defaultValue = "10.0",
            description = "Steps per second the model will run at (model.json sample_rate_hz); the power estimate, and so the"
                    + " server's energy budget check, scale with it. Default: ${DEFAULT-VALUE}.")
    double sampleRateHz;

    @Option(names = "--input-names", split = ",", paramLabel = "NAMES",
            description = "Names of the input features, in order (model.json input_names; qlnn predict then picks CSV columns by"
                    + " these names). Default: none.")
    List<String> inputNames;

    @Option(names = "--output-names", split = ",", paramLabel = "NAMES",
            description = "Names of the outputs, in order (model.json output_names). Default: y0, y1, ...")
    List<String> outputNames;

    @Option(names = "--force", description = "Replace the model in a non-empty --out folder.")
    boolean force;

    private final Map<String, String> env;

    ImportNcpsCommand() {
        this(System.getenv());
    }

    ImportNcpsCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (!(sampleRateHz > 0) || !Double.isFinite(sampleRateHz)) {
            throw new ParameterException(spec.commandLine(), "--sample-rate-hz must be a finite number > 0, got " + sampleRateHz);
        }
        // The server's own reading of the budget and policy, so that the verdict below is the server's.
        EnergySettings energy = EnergySettings.load(PropertySource.of(env));
        ModelDirs.prepareOut(out, force);
        JsonNode specJson = InputFiles.readJsonObject(specFile);
        TensorFile tensors = InputFiles.readSafeTensors(weights);
        String modelName = name != null ? name : defaultName(out);
        NcpsImport.write(out, new NcpsImport.Meta(modelName, description != null ? description : "", sampleRateHz,
                inputNames != null ? inputNames : List.of(), outputNames != null ? outputNames : List.of()), specJson, tensors);
        Model m = ModelDirs.load(out); // proves the folder loads, checksums included
        PrintWriter o = spec.commandLine().getOut();
        o.printf("imported %s as model '%s' into %s: %d inputs -> %d outputs, state %d, %d parameters%n",
                specJson.path("class").asText("ncps module"), m.name(), out, m.inputSize(), m.outputSize(),
                m.stateSize(), m.parameterCount());
        o.println(energyVerdict(m, energy.budgetMicrowatts(), energy.policy()));
        o.flush();
        return Main.EXIT_OK;
    }

    /**
     * The power estimate the server checks at load (before load-time pruning, which can only lower
     * it) against the budget, and what to do when it is over.
     */
    static String energyVerdict(Model m, double budget, EnergyPolicy policy) {
        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.forModel(m));
        String head = String.format(Locale.ROOT, "estimated power %.3f uW at %s Hz on %s, budget %.3f uW (ENERGY_BUDGET_UW)",
                e.microwatts(), e.sampleRateHz(), e.profile(), budget);
        if (e.microwatts() <= budget) {
            return head + ": fits, ./qlnn serve serves it";
        }
        double fits = budget / e.microjoulesPerStep();
        String then = policy == EnergyPolicy.WARN ? "the server serves it anyway (QLNN_ENERGY_POLICY=warn) and says so"
                : "./qlnn serve will not serve it (QLNN_ENERGY_POLICY=enforce)";
        return head + String.format(Locale.ROOT, ": over the budget, so %s. Import again with --sample-rate-hz %s or lower"
                + " (the estimate scales with the rate), use a smaller or sparser module, or serve it anyway with"
                + " QLNN_ENERGY_POLICY=warn", then, roundDown(fits));
    }

    /** A rate at or below {@code hz}, with three significant digits. */
    static String roundDown(double hz) {
        java.math.BigDecimal d = new java.math.BigDecimal(hz).round(new java.math.MathContext(3, java.math.RoundingMode.DOWN));
        return d.stripTrailingZeros().toPlainString();
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
