package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.run.TrainJob;
import dev.quantumliquid.train.run.Trainer;
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

/** {@code qlnn train}: trains a quantum-liquid model from a CSV into a model version folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model (optional pqc front end, LTC or CfC, dense head) on CSV windows and writes a model version folder with report.json.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML (.yaml/.yml) or JSON (.json) mapping of these options' long names without the dashes (window: 32, features: [x]); options on the command line win; relative paths are relative to the file.") Path config;
    @Option(names = "--data", paramLabel = "CSV", description = "Required (here or in --config).") Path data;
    @Option(names = "--features", split = ",", paramLabel = "COLS", description = "Required.") List<String> features;
    @Option(names = "--targets", split = ",", paramLabel = "COLS", description = "Forecasting: the columns to predict H rows ahead.") List<String> targets;
    @Option(names = "--label", paramLabel = "COL", description = "Sequence classification instead of --targets: the class of a window is this column's value on its last row; one logit per class (sorted distinct values), softmax cross-entropy, accuracy.") String label;
    @Option(names = "--dt-column", paramLabel = "COL", description = "Column holding each row's time span (> 0). Default: none, every step spans 1.") String dtColumn;
    @Option(names = "--window", paramLabel = "T", description = "Required.") Integer window;
    @Option(names = "--horizon", paramLabel = "H", description = "Forecasting only: rows ahead. Default: 1.") Integer horizon;
    @Option(names = "--arch", paramLabel = "cfc|ltc", description = "Required.") String arch;
    @Option(names = "--units", paramLabel = "N", description = "Required.") Integer units;
    @Option(names = "--wiring", defaultValue = "full", paramLabel = "full|random|ncp|autoncp", description = "ncps wiring of the liquid layer. Default: ${DEFAULT-VALUE}.") String wiring;
    @Option(names = "--sparsity", paramLabel = "S", description = "Default: LIQUID_SPARSITY, else 0.4 (sparsity_level of random and autoncp wirings; autoncp needs 0.1..1.0).") Double sparsity;
    @Option(names = "--wiring-seed", paramLabel = "SEED", description = "Default: ncps's seed for the wiring (full/random 1111, ncp/autoncp 22222), so the adjacency is ncps's.") Long wiringSeed;
    @Option(names = "--ncp", split = ",", paramLabel = "I,C,M,SF,IF,RC,MF", description = "Required with --wiring ncp: NCP(inter, command, motor, sensory_fanout, inter_fanout, recurrent_command_synapses, motor_fanin).") List<Integer> ncp;
    @Option(names = "--mode", paramLabel = "default|pure|no_gate", description = "CfC mode (ncps's mode). Default: default, as ncps.") String mode;
    @Option(names = "--backbone-units", paramLabel = "N", description = "Unwired CfC: units of each backbone layer. Default: max(8, --units); ncps's default (and --ncps-defaults) 128.") Integer backboneUnits;
    @Option(names = "--backbone-layers", paramLabel = "N", description = "Unwired CfC: backbone layers. Default: 1, as ncps.") Integer backboneLayers;
    @Option(names = "--backbone-dropout", paramLabel = "P", description = "Unwired CfC: ncps's backbone_dropout, in [0, 1): dropout after each backbone layer in training only (masks from --seed), none in evaluation or the written model. Default: 0, as ncps.") Double backboneDropout;
    @Option(names = "--mixed-memory", description = "ncps's mixed_memory: an LSTM cell around the liquid cell (CfC without a wiring, or LTC). Default: off, as ncps.") boolean mixedMemory;
    @Option(names = "--ncps-defaults", description = "Options not given take ncps 1.0.1's defaults where qlnn's differ: --backbone-units 128, --sparsity 0.5 for autoncp (AutoNCP's sparsity_level) and 0.0 for random.") boolean ncpsDefaults;
    @Option(names = "--ablate-circuit", description = "First train the same model without the circuit into <out>/ablation, then this one; report.json states both (the twin under ablation). Needs --qubits.") boolean ablateCircuit;
    @Option(names = "--qubits", defaultValue = "0", paramLabel = "Q", description = "Qubits of the pqc front end (0: none). Default: ${DEFAULT-VALUE}.") int qubits;
    @Option(names = "--qlayers", defaultValue = "1", paramLabel = "L", description = "Circuit layers (with --qubits). Default: ${DEFAULT-VALUE}.") int qlayers;
    @Option(names = "--dephasing", defaultValue = "0.0", paramLabel = "P", description = "Dephasing probability per circuit layer. Default: ${DEFAULT-VALUE}.") double dephasing;
    @Option(names = "--sample-rate-hz", defaultValue = "1.0", paramLabel = "HZ", description = "The rate the model will run at (model.json sample_rate_hz); the energy estimate and budget are at this rate. Default: ${DEFAULT-VALUE}.") double sampleRate;
    @Option(names = "--energy-budget-uw", paramLabel = "UW", description = "Default: ENERGY_BUDGET_UW, else 50.0.") Double budget;
    @Option(names = "--epochs", paramLabel = "E", description = "Required.") Integer epochs;
    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Windows per optimiser step. Default: ${DEFAULT-VALUE}.") int batch;
    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR", description = "Adam learning rate (cosine schedule). Default: ${DEFAULT-VALUE}.") double lr;
    @Option(names = "--weight-decay", defaultValue = "0.0", paramLabel = "WD", description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}.") double weightDecay;
    @Option(names = "--clip-norm", defaultValue = "1.0", paramLabel = "C", description = "Gradient norm clipping. Default: ${DEFAULT-VALUE}.") double clip;
    @Option(names = "--validation", defaultValue = "0.2", paramLabel = "FRACTION", description = "Share of the windows, the last ones, held out for validation. Default: ${DEFAULT-VALUE}.") double validation;
    @Option(names = "--test", defaultValue = "0.0", paramLabel = "FRACTION", description = "Hold back the last FRACTION of the windows (after the validation windows) as a test split: never trained on, not used to pick the epoch; the final figures are reported on it too (report.json test). Default: ${DEFAULT-VALUE} (none).") double test;
    @Option(names = "--patience", defaultValue = "0", paramLabel = "EPOCHS", description = "Early stopping after this many epochs without a better validation loss (0: off). Default: ${DEFAULT-VALUE}.") int patience;
    @Option(names = "--threads", paramLabel = "N", description = "Default: all cores (the weights do not depend on it).") Integer threads;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the initial weights and the batch order. Default: ${DEFAULT-VALUE}.") long seed;
    @Option(names = "--out", paramLabel = "DIR", description = "Required: the model version folder to write, e.g. models/my-model/1 (missing or empty unless --force or --resume).") Path out;
    @Option(names = "--force", description = "Replace the model in a non-empty --out folder.") boolean force;
    @Option(names = "--json", description = "Progress as JSON lines (the default when standard output is not a terminal; on a terminal: a live progress line).") boolean json;
    @Option(names = "--resume", description = "Continue from <out>/checkpoint (written after every epoch); with the same --epochs the result is bit-identical to an uninterrupted run. Refused if the data, architecture, seed or optimisation settings differ.") boolean resume;

    private final Map<String, String> env;

    TrainCommand() {
        this(System.getenv());
    }

    TrainCommand(Map<String, String> env) {
        this.env = env;
    }

    /**
     * The run these options describe, after applying --config (options on the command line win) and
     * checking the required ones.
     */
    TrainJob.Options options() {
        if (config != null) {
            TrainConfigFile.apply(config, spec, spec.commandLine().getParseResult());
        }
        String from = config != null ? " (on the command line or in " + config + ")" : " (on the command line or in a --config file)";
        require(data, "--data=CSV", from);
        require(features, "--features=COLS", from);
        require(window, "--window=T", from);
        require(arch, "--arch=cfc|ltc", from);
        require(units, "--units=N", from);
        require(epochs, "--epochs=E", from);
        require(out, "--out=DIR", from);
        if (label != null && targets != null) {
            throw new ParameterException(spec.commandLine(), "--targets (forecasting) and --label (classification) exclude each other" + from);
        }
        if (label == null && targets == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--targets=COLS' or '--label=COL'" + from);
        }
        if (label != null && horizon != null) {
            throw new ParameterException(spec.commandLine(), "--horizon is for forecasting; with --label the class is the label of the"
                    + " window's last row");
        }
        double b = budget != null ? budget : parse(env.get("ENERGY_BUDGET_UW"), 50.0, "ENERGY_BUDGET_UW");
        double sp = sparsity != null ? sparsity
                : ncpsDefaults ? (wiring.equals("random") ? 0.0 : 0.5) : parse(env.get("LIQUID_SPARSITY"), 0.4, "LIQUID_SPARSITY");
        boolean wired = !wiring.equals("full");
        if ((arch.equals("ltc") || wired) && (backboneUnits != null || backboneLayers != null || backboneDropout != null)) {
            throw new ParameterException(spec.commandLine(), "--backbone-units, --backbone-layers and --backbone-dropout are for a CfC"
                    + " without a wiring (--arch cfc --wiring full), as in ncps; got --arch " + arch + " --wiring " + wiring);
        }
        TrainJob.Liquid dl = ncpsDefaults ? TrainJob.Liquid.NCPS : TrainJob.Liquid.qlnn(units);
        TrainJob.Liquid liquid = new TrainJob.Liquid(mode != null ? mode : dl.mode(),
                backboneUnits != null ? backboneUnits : dl.backboneUnits(), backboneLayers != null ? backboneLayers : dl.backboneLayers(),
                backboneDropout != null ? backboneDropout : dl.backboneDropout(), mixedMemory);
        int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        var cfg = new Trainer.Config(epochs, batch, lr, weightDecay, clip, seed, th, validation, patience, 0);
        // Argument errors come before any work: reading the data, building the model, training.
        Trainer.check(cfg);
        if (!arch.equals("cfc") && !arch.equals("ltc")) {
            throw new ParameterException(spec.commandLine(), "--arch must be cfc or ltc, got '" + arch + "'");
        }
        long ncpsSeed = TrainJob.defaultWiringSeed(wiring); // also refuses an unknown --wiring
        long ws = wiringSeed != null ? wiringSeed : ncpsSeed;
        return new TrainJob.Options(data, features, targets != null ? targets : List.of(), label, dtColumn, window,
                label != null ? 0 : horizon != null ? horizon : 1, arch, units, wiring, sp, ws, ncp != null ? ncp : List.of(), qubits,
                qubits > 0 ? qlayers : 0, dephasing, sampleRate, b, cfg, out, resume, liquid, test);
    }

    private void require(Object value, String option, String from) {
        if (value == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '" + option + "'" + from);
        }
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        TrainJob.Options opts = options();
        if (!opts.resume()) {
            ModelDirs.prepareOut(opts.out(), force);
        }
        int epochs = opts.train().epochs();
        boolean jsonLines = json || !Terminal.interactive();
        ObjectMapper m = new ObjectMapper();
        ProgressLine live = new ProgressLine(o);
        java.util.function.Consumer<String> log = line -> {
            o.println(jsonLines ? m.createObjectNode().put("event", "energy").put("message", line).toString() : line);
            o.flush();
        };
        java.util.function.Consumer<Trainer.Epoch> epochDone = ep -> {
            if (jsonLines) {
                o.println(m.createObjectNode().put("event", "epoch").put("epoch", ep.epoch()).put("train_loss", ep.trainLoss())
                        .put("validation_loss", ep.validationLoss()).put("samples_per_s", ep.samplesPerSecond()).toString());
                o.flush();
            } else {
                live.epoch(String.format(Locale.ROOT, "epoch %d/%d  loss %.5f  val %.5f  %.1f samples/s%s", ep.epoch(), epochs,
                        ep.trainLoss(), ep.validationLoss(), ep.samplesPerSecond(), ep.best() ? "  *" : ""));
            }
        };
        java.util.function.Consumer<Trainer.Batch> batchDone = b -> {
            if (!jsonLines) {
                live.batch(b);
            }
        };
        TrainJob.Result r = ablateCircuit ? TrainJob.runWithAblation(opts, log, epochDone, batchDone)
                : TrainJob.run(opts, log, epochDone, batchDone);
        var metrics = r.metrics();
        String figures = opts.classification()
                ? String.format(Locale.ROOT, "%s accuracy %.4f, majority class %.4f", opts.testFraction() > 0 ? "test" : "validation", metrics.path("accuracy").asDouble(),
                        metrics.path("majority_class_accuracy").asDouble())
                : String.format(Locale.ROOT, "%s NRMSE one step %.4f, %s", opts.testFraction() > 0 ? "test" : "validation", metrics.path("one_step_nrmse").asDouble(),
                        metrics.path("ten_step_nrmse").isNumber()
                                ? String.format(Locale.ROOT, "10 steps ahead %.4f", metrics.path("ten_step_nrmse").asDouble())
                                : "10 steps ahead not computed");
        String done = String.format(Locale.ROOT, "wrote %s (%s, %.3f uW)", r.out(), figures, r.microwatts());
        var doneJson = m.createObjectNode().put("event", "done").put("out", r.out().toString());
        com.fasterxml.jackson.databind.node.ObjectNode figuresJson = metrics.deepCopy();
        figuresJson.remove("definitions");
        doneJson.setAll(figuresJson);
        doneJson.put("microwatts", r.microwatts());
        o.println(jsonLines ? doneJson.toString() : done);
        o.flush();
        return Main.EXIT_OK;
    }

    private static double parse(String v, double dflt, String name) {
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new TrainException(name + " must be a number, got '" + v + "'");
        }
    }
}
