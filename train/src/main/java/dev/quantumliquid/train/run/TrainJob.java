package dev.quantumliquid.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.batch.Loss;
import dev.quantumliquid.train.batch.Mse;
import dev.quantumliquid.train.batch.SoftmaxCrossEntropy;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableCfc;
import dev.quantumliquid.train.layers.TrainableDense;
import dev.quantumliquid.train.layers.TrainableLayer;
import dev.quantumliquid.train.layers.TrainableLtc;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.layers.TrainablePqc;
import dev.quantumliquid.train.layers.TrainableScale;
import dev.quantumliquid.train.layers.TrainableWiredCfc;
import dev.quantumliquid.train.wiring.AutoNcpWiring;
import dev.quantumliquid.train.wiring.FullyConnectedWiring;
import dev.quantumliquid.train.wiring.NcpWiring;
import dev.quantumliquid.train.wiring.RandomWiring;
import dev.quantumliquid.train.wiring.Wiring;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One {@code qlnn train} run: data to windows, the architecture (input scale, optional pqc front end,
 * LTC or CfC, dense head, output scale from the training split's statistics), the energy check,
 * training, and the model version folder plus report.json.
 */
public final class TrainJob {
    /**
     * Everything the command line sets. Forecasting names {@code targets} (label null); sequence
     * classification names a {@code label} column (targets empty) and ignores the horizon.
     */
    public record Options(Path data, List<String> features, List<String> targets, String label, String dtColumn, int window,
            int horizon, String arch, int units, String wiring, double sparsity, long wiringSeed, List<Integer> ncp, int qubits,
            int qlayers, double dephasing, double sampleRateHz, double energyBudgetUw, Trainer.Config train, Path out,
            boolean resume, Liquid liquid, double testFraction) {
        public Options {
            features = List.copyOf(features);
            targets = List.copyOf(targets);
            ncp = List.copyOf(ncp);
        }

        /** With qlnn's defaults for the liquid layer's other options ({@link Liquid#qlnn}). */
        public Options(Path data, List<String> features, List<String> targets, String label, String dtColumn, int window,
                int horizon, String arch, int units, String wiring, double sparsity, long wiringSeed, List<Integer> ncp, int qubits,
                int qlayers, double dephasing, double sampleRateHz, double energyBudgetUw, Trainer.Config train, Path out,
                boolean resume) {
            this(data, features, targets, label, dtColumn, window, horizon, arch, units, wiring, sparsity, wiringSeed, ncp, qubits,
                    qlayers, dephasing, sampleRateHz, energyBudgetUw, train, out, resume, Liquid.qlnn(units), 0.0);
        }

        /** A forecasting run without --resume. */
        public Options(Path data, List<String> features, List<String> targets, String dtColumn, int window, int horizon,
                String arch, int units, String wiring, double sparsity, long wiringSeed, List<Integer> ncp, int qubits, int qlayers,
                double dephasing, double sampleRateHz, double energyBudgetUw, Trainer.Config train, Path out) {
            this(data, features, targets, null, dtColumn, window, horizon, arch, units, wiring, sparsity, wiringSeed, ncp, qubits,
                    qlayers, dephasing, sampleRateHz, energyBudgetUw, train, out, false);
        }

        public boolean classification() {
            return label != null;
        }

        /** The same run without the circuit, into out/ablation: the twin {@code --ablate-circuit} trains. */
        public Options withoutCircuit() {
            return new Options(data, features, targets, label, dtColumn, window, horizon, arch, units, wiring, sparsity, wiringSeed,
                    ncp, 0, 0, dephasing, sampleRateHz, energyBudgetUw, train, out.resolve("ablation"), resume, liquid, testFraction);
        }
    }

    /**
     * The liquid layer's ncps options besides units and wiring, by their ncps names: the CfC {@code mode}, the
     * unwired CfC's backbone ({@code backbone_units}, {@code backbone_layers}, {@code backbone_dropout}) and
     * {@code mixed_memory} (CfC or LTC).
     */
    public record Liquid(String mode, int backboneUnits, int backboneLayers, double backboneDropout, boolean mixedMemory) {
        /** ncps 1.0.1's defaults: mode "default", backbone_units 128, backbone_layers 1, backbone_dropout 0.0, no mixed memory. */
        public static final Liquid NCPS = new Liquid("default", 128, 1, 0.0, false);

        /** qlnn's defaults for {@code --units N}: as {@link #NCPS} but a backbone of max(8, N) units. */
        public static Liquid qlnn(int units) {
            return new Liquid("default", Math.max(8, units), 1, 0.0, false);
        }
    }

    /**
     * What a checkpoint must agree on to be resumed: the data digest, the architecture (windows,
     * layers, wiring) and the seed, plus the optimisation settings that change the weights. The thread
     * count, epoch count and patience may differ.
     */
    static java.util.Map<String, String> fingerprint(Options o, String dataSha256) {
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("data sha256", dataSha256);
        f.put("features", String.join(",", o.features()));
        f.put("targets", String.join(",", o.targets()));
        if (o.classification()) {
            f.put("label", o.label());
        }
        f.put("dt column", String.valueOf(o.dtColumn()));
        f.put("window", String.valueOf(o.window()));
        f.put("horizon", String.valueOf(o.horizon()));
        f.put("arch", o.arch());
        f.put("units", String.valueOf(o.units()));
        f.put("wiring", o.wiring());
        f.put("sparsity", String.valueOf(o.sparsity()));
        f.put("wiring seed", String.valueOf(o.wiringSeed()));
        f.put("ncp", o.ncp().toString());
        f.put("qubits", String.valueOf(o.qubits()));
        f.put("qlayers", String.valueOf(o.qlayers()));
        f.put("dephasing", String.valueOf(o.dephasing()));
        f.put("liquid", o.liquid().toString());
        f.put("test fraction", String.valueOf(o.testFraction()));
        f.put("seed", String.valueOf(o.train().seed()));
        f.put("batch", String.valueOf(o.train().batch()));
        f.put("lr", String.valueOf(o.train().lr()));
        f.put("weight decay", String.valueOf(o.train().weightDecay()));
        f.put("clip norm", String.valueOf(o.train().clipNorm()));
        f.put("validation fraction", String.valueOf(o.train().validationFraction()));
        f.put("loss from", String.valueOf(o.train().lossFrom()));
        return f;
    }

    static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** ncps's default seed of a --wiring kind (FullyConnected/Random 1111, NCP/AutoNCP 22222). */
    public static long defaultWiringSeed(String wiring) {
        return switch (wiring) {
            case "full" -> FullyConnectedWiring.DEFAULT_SEED;
            case "random" -> RandomWiring.DEFAULT_SEED;
            case "ncp" -> NcpWiring.DEFAULT_SEED;
            case "autoncp" -> AutoNcpWiring.DEFAULT_SEED;
            default -> throw new TrainException("--wiring must be full, random, ncp or autoncp, got '" + wiring + "'");
        };
    }

    /**
     * What the run produced: the headline figure (forecast: one-step NRMSE; classification: accuracy) and
     * every final metric as report.json states it, on the test windows when the run held some back
     * ({@code --test}), else on the validation windows.
     */
    public record Result(double microwatts, List<Trainer.Epoch> epochs, double headline, ObjectNode metrics, Path out) {
        /** One-step NRMSE of a forecast run (NaN for classification), on the test windows if any. */
        public double validationNrmse() {
            return metrics.path("one_step_nrmse").asDouble(Double.NaN);
        }
    }

    private TrainJob() {
    }

    /** Builds the untrained forecasting model (the budget is checked by {@link #run}). */
    public static TrainableModel build(Options o, Windows w, int cut) {
        return build(o, w, cut, o.targets());
    }

    /**
     * Builds the untrained model: input scale, optional pqc, the liquid layer, a dense head with one
     * output per name, and for forecasting an output scale from the training split's target statistics
     * (classification ends in the head: one logit per class).
     */
    static TrainableModel build(Options o, Windows w, int cut, List<String> outputNames) {
        defaultWiringSeed(o.wiring());
        if (!o.ncp().isEmpty() && !o.wiring().equals("ncp")) {
            throw new TrainException("--ncp is only used with --wiring ncp");
        }
        if (o.units() < 1) {
            throw new TrainException("--units must be >= 1, got " + o.units());
        }
        SplittableRandom r = new SplittableRandom(o.train().seed());
        int f = o.features().size();
        int tOut = outputNames.size();
        double[][] fs = stats(w.x(), cut, f);
        List<TrainableLayer> layers = new ArrayList<>();
        double[] inScale = new double[f];
        double[] inShift = new double[f];
        for (int i = 0; i < f; i++) {
            inScale[i] = 1.0 / fs[1][i];
            inShift[i] = -fs[0][i] / fs[1][i];
        }
        layers.add(new TrainableScale("input_scale", inScale, inShift));
        int width = f;
        if (o.qubits() > 0) {
            layers.add(TrainablePqc.create("q", width, o.qubits(), Math.max(1, o.qlayers()), o.dephasing(), r));
            width = o.qubits();
        }
        Liquid lq = o.liquid();
        checkLiquid(o);
        switch (o.arch()) {
            case "cfc" -> layers.add(!o.wiring().equals("full")
                    ? TrainableWiredCfc.create("rnn", width, lq.mode(), wiring(o, width, tOut), r)
                    : TrainableCfc.create("rnn", new TrainableCfc.Config(width, o.units(), lq.mode(), Activation.LECUN_TANH,
                    lq.backboneUnits(), lq.backboneLayers(), lq.backboneDropout(), lq.mixedMemory(), 0), r));
            case "ltc" -> {
                Wiring wr = wiring(o, width, tOut);
                // ncps writes an integer units for its default FullyConnected; any other wiring ships its adjacency.
                boolean plain = o.wiring().equals("full") && o.wiringSeed() == FullyConnectedWiring.DEFAULT_SEED;
                layers.add(TrainableLtc.create("rnn", width, wr, !plain, lq.mixedMemory(), r));
            }
            default -> throw new TrainException("--arch must be cfc or ltc, got '" + o.arch() + "'");
        }
        layers.add(TrainableDense.create("head", layers.get(layers.size() - 1).outputSize(), tOut, Activation.NONE, r));
        if (!o.classification()) {
            double[][] ts = stats(w.y(), cut, tOut);
            layers.add(new TrainableScale("output_scale", ts[1].clone(), ts[0].clone()));
        }
        String name = o.out().getParent() == null ? "model" : o.out().toAbsolutePath().getParent().getFileName().toString();
        String what = o.classification() ? "sequence classifier of '" + o.label() + "'" : "forecaster of " + String.join(",", o.targets());
        return new TrainableModel(new TrainableModel.Info(name, what + ", trained by qlnn train (" + o.arch() + ")", f, outputNames,
                o.sampleRateHz(), "cortex-m4f"), layers);
    }

    /** Refuses liquid options the architecture does not have or the trainer does not train, naming the option. */
    private static void checkLiquid(Options o) {
        Liquid lq = o.liquid();
        if (!List.of("default", "pure", "no_gate").contains(lq.mode())) {
            throw new TrainException("--mode must be default, pure or no_gate, got '" + lq.mode() + "'");
        }
        if (lq.backboneUnits() < 1 || lq.backboneLayers() < 1) {
            throw new TrainException("--backbone-units and --backbone-layers must be >= 1, got " + lq.backboneUnits() + " and "
                    + lq.backboneLayers());
        }
        if (!(lq.backboneDropout() >= 0.0 && lq.backboneDropout() < 1.0)) {
            throw new TrainException("--backbone-dropout must be in [0, 1), got " + lq.backboneDropout());
        }
        if (lq.backboneDropout() > 0.0 && lq.mixedMemory()) {
            throw new TrainException("--backbone-dropout above 0 is trained without --mixed-memory, got --backbone-dropout "
                    + lq.backboneDropout() + " --mixed-memory");
        }
        if (o.arch().equals("ltc") && !lq.mode().equals("default")) {
            throw new TrainException("--mode is a CfC option (--arch cfc), got --mode " + lq.mode() + " with --arch ltc");
        }
        if (o.arch().equals("cfc") && !o.wiring().equals("full") && (lq.mode().equals("pure") || lq.mixedMemory())) {
            throw new TrainException("a wired CfC (--wiring " + o.wiring() + ") trains in modes default and no_gate without"
                    + " mixed memory, got --mode " + lq.mode() + (lq.mixedMemory() ? " --mixed-memory" : ""));
        }
    }

    /**
     * The liquid layer's ncps wiring over {@code inputDim} inputs, generated as ncps 1.0.1 does for the
     * same seed: full = FullyConnected(units), random = Random(units, sparsity_level), ncp = NCP(--ncp),
     * autoncp = AutoNCP(units, output_size = number of targets, sparsity_level).
     */
    static Wiring wiring(Options o, int inputDim, int targets) {
        long seed = o.wiringSeed();
        return switch (o.wiring()) {
            case "full" -> FullyConnectedWiring.build(o.units(), o.units(), true, inputDim, seed);
            case "random" -> RandomWiring.build(o.units(), o.units(), o.sparsity(), inputDim, seed);
            case "autoncp" -> AutoNcpWiring.build(o.units(), targets, o.sparsity(), inputDim, seed);
            case "ncp" -> {
                List<Integer> v = o.ncp();
                if (v.size() != 7) {
                    throw new TrainException("--wiring ncp needs --ncp INTER,COMMAND,MOTOR,SENSORY_FANOUT,INTER_FANOUT,"
                            + "RECURRENT_COMMAND_SYNAPSES,MOTOR_FANIN (7 integers), got " + v.size());
                }
                NcpWiring.Params p = new NcpWiring.Params(v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6));
                if (p.units() != o.units()) {
                    throw new TrainException("--units is " + o.units() + " but --ncp has " + p.units()
                            + " neurons (inter + command + motor)");
                }
                yield NcpWiring.build(p, inputDim, seed);
            }
            default -> throw new TrainException("--wiring must be full, random, ncp or autoncp, got '" + o.wiring() + "'");
        };
    }

    /**
     * [0] mean, [1] standard deviation (1 when constant) per column over the rows the first cut windows
     * cover, each row once (window s holds rows s .. s+T-1, so the rows are window 0's steps, then the last
     * step of each later window).
     */
    static double[][] stats(double[][][] x, int cut, int cols) {
        double[][] s = new double[2][cols];
        int steps = x[0].length;
        long n = cut + steps - 1L;
        for (long r = 0; r < n; r++) {
            double[] row = row(x, cut, steps, r);
            for (int c = 0; c < cols; c++) {
                s[0][c] += row[c];
            }
        }
        for (int c = 0; c < cols; c++) {
            s[0][c] /= n;
        }
        for (long r = 0; r < n; r++) {
            double[] row = row(x, cut, steps, r);
            for (int c = 0; c < cols; c++) {
                s[1][c] += (row[c] - s[0][c]) * (row[c] - s[0][c]);
            }
        }
        for (int c = 0; c < cols; c++) {
            double sd = Math.sqrt(s[1][c] / n);
            s[1][c] = sd > 1e-12 ? sd : 1.0;
        }
        return s;
    }

    /** Row r of the rows the first cut windows cover. */
    private static double[] row(double[][][] x, int cut, int steps, long r) {
        int w = (int) Math.min(r, cut - 1);
        return x[w][(int) (r - w)];
    }

    public static Result run(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress) {
        return run(o, log, progress, b -> { });
    }

    /** As {@link #run(Options, Consumer, Consumer)}, also reporting each batch (the live progress line). */
    public static Result run(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress, Consumer<Trainer.Batch> batches) {
        return run(o, log, progress, batches, null);
    }

    /**
     * {@code --ablate-circuit}: first the same model without the circuit ({@link Options#withoutCircuit}, a
     * model version of its own in out/ablation), then the run, whose report.json also states the twin's
     * per-epoch losses and final figures under {@code ablation}: the circuit's contribution at equal epochs,
     * data, seed and settings.
     */
    public static Result runWithAblation(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress,
            Consumer<Trainer.Batch> batches) {
        if (o.qubits() <= 0) {
            throw new TrainException("--ablate-circuit compares with the circuit-free twin: it needs --qubits > 0");
        }
        Options twin = o.withoutCircuit();
        log.accept("training the same model without the circuit into " + twin.out());
        run(twin, log, progress, batches, null);
        ObjectNode ablation = JsonNodeFactory.instance.objectNode();
        try {
            com.fasterxml.jackson.databind.JsonNode r = new ObjectMapper().readTree(twin.out().resolve("report.json").toFile());
            ablation.put("folder", "ablation").put("qubits", 0);
            for (String k : List.of("parameters", "trained_parameters", "epochs", "final", "test")) {
                if (r.has(k)) {
                    ablation.set(k, r.get(k));
                }
            }
        } catch (IOException ex) {
            throw new TrainException(twin.out() + ": cannot read report.json (" + ex.getMessage() + ")", ex);
        }
        log.accept("training the model with the circuit into " + o.out());
        return run(o, log, progress, batches, ablation);
    }

    private static Result run(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress, Consumer<Trainer.Batch> batches,
            ObjectNode ablation) {
        if (o.classification() && !o.targets().isEmpty()) {
            throw new TrainException("give --targets (forecasting) or --label (sequence classification), not both");
        }
        if (!o.classification() && o.targets().isEmpty()) {
            throw new TrainException("give --targets COLS (forecasting) or --label COL (sequence classification)");
        }
        CsvTable table = o.classification() ? CsvTable.read(o.data(), java.util.Set.of(o.label())) : CsvTable.read(o.data());
        Windows w;
        List<String> outputNames;
        if (o.classification()) {
            Windows.Labelled l = Windows.classify(table, o.features(), o.label(), o.dtColumn(), o.window());
            w = l.windows();
            outputNames = l.classes();
        } else {
            w = Windows.of(table, o.features(), o.targets(), o.dtColumn(), o.window(), o.horizon());
            outputNames = o.targets();
        }
        if (!(o.testFraction() >= 0.0 && o.testFraction() < 1.0)) {
            throw new TrainException("--test must be a fraction in [0, 1), got " + o.testFraction());
        }
        // chronological: training windows, then validation, then (--test) the test windows, never trained on or
        // used to pick the epoch
        int testFrom = o.testFraction() > 0.0 ? Trainer.split(w.size(), o.testFraction()) : w.size();
        Windows tv = testFrom < w.size() ? w.head(testFrom) : w;
        int cut = Trainer.split(tv.size(), o.train().validationFraction());
        if (cut >= testFrom) {
            throw new TrainException("--test " + o.testFraction() + " and --validation " + o.train().validationFraction()
                    + " leave no training windows out of " + w.size());
        }
        TrainableModel model = build(o, tv, cut, outputNames);
        Model engineModel = model.toModel();
        EnergyEstimate energy = EnergyEstimate.of(engineModel, EnergyProfile.forModel(engineModel));
        log.accept(String.format(java.util.Locale.ROOT, "estimated power %.3f uW at %s Hz on %s (budget %.3f uW), %d parameters",
                energy.microwatts(), o.sampleRateHz(), energy.profile(), o.energyBudgetUw(), model.parameterCount()));
        if (energy.microwatts() > o.energyBudgetUw()) {
            throw new TrainException(String.format(java.util.Locale.ROOT,
                    "the architecture needs an estimated %.3f uW, over the budget of %.3f uW (--energy-budget-uw or ENERGY_BUDGET_UW):"
                    + " use fewer units or qubits, or a lower --sample-rate-hz", energy.microwatts(), o.energyBudgetUw()));
        }
        Loss loss;
        if (o.classification()) {
            loss = new SoftmaxCrossEntropy(outputNames.size());
        } else {
            double[] lossW = new double[o.targets().size()];
            double[][] ts = stats(w.y(), cut, lossW.length);
            for (int j = 0; j < lossW.length; j++) {
                lossW[j] = 1.0 / (ts[1][j] * ts[1][j]);
            }
            loss = new Mse(lossW, o.train().lossFrom());
        }
        Checkpoint.Spec ckpt = new Checkpoint.Spec(o.out().resolve("checkpoint"), fingerprint(o, sha256(table.raw())), o.resume());
        List<Trainer.Epoch> epochs = new Trainer(model, o.train(), loss).train(tv, progress, batches, ckpt);
        // Write: float32 weights, a calibration sample of training windows.
        List<Tensor> weights = new ArrayList<>();
        for (Tensor t : model.weights()) {
            weights.add(Tensor.f32(t.name(), t.shape(), t.toFloatArray()));
        }
        int cb = Math.min(4, cut);
        float[] cal = new float[cb * o.window() * o.features().size()];
        int k = 0;
        for (int i = 0; i < cb; i++) {
            for (double[] step : w.x()[i]) {
                for (double v : step) {
                    cal[k++] = (float) v;
                }
            }
        }
        ObjectNode modelJson = model.modelJson();
        o.features().forEach(modelJson.putArray(ModelFiles.INPUT_NAMES)::add); // predict picks CSV columns by these names
        ModelFiles.write(o.out(), modelJson, weights,
                List.of(Tensor.f32("input", new int[] {cb, o.window(), o.features().size()}, cal)));
        Model written = ModelFiles.load(o.out());
        ObjectNode metrics = figures(o, written, w, cut, testFrom, outputNames);
        ObjectNode test = null;
        if (testFrom < w.size()) { // the same figures on the test windows (definitions as under final)
            test = figures(o, written, w, testFrom, w.size(), outputNames);
            test.remove("definitions");
            test.set("test_windows", test.remove("validation_windows"));
        }
        ObjectNode headlineFrom = test != null ? test : metrics;
        double headline = o.classification() ? headlineFrom.path("accuracy").asDouble() : headlineFrom.path("one_step_nrmse").asDouble();
        writeReport(o, table, energy, epochs, metrics, test, ablation, model, outputNames);
        LossPlot.write(o.out().resolve("loss.png"), epochs, o.classification() ? "cross-entropy" : "normalised MSE");
        return new Result(energy.microwatts(), epochs, headline, test != null ? test : metrics, o.out());
    }

    /** The final figures of the written model over windows [from, to). */
    private static ObjectNode figures(Options o, Model written, Windows w, int from, int to, List<String> outputNames) {
        return o.classification() ? Metrics.classification(written, w, from, to).json(outputNames)
                : Metrics.forecast(written, w, from, to, o.features(), o.targets(), o.horizon()).json();
    }

    /** The run's settings as report.json states them (config-file keys; threads and the output folder excluded: they do not change the weights). */
    public static ObjectNode configJson(Options o) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        cfg.put("data", o.data().toString());
        ArrayNode fs = cfg.putArray("features");
        o.features().forEach(fs::add);
        if (o.classification()) {
            cfg.put("label", o.label());
        } else {
            ArrayNode ts = cfg.putArray("targets");
            o.targets().forEach(ts::add);
            cfg.put("horizon", o.horizon());
        }
        cfg.put("dt-column", o.dtColumn()).put("window", o.window()).put("arch", o.arch()).put("units", o.units())
                .put("wiring", o.wiring()).put("sparsity", o.sparsity()).put("wiring-seed", o.wiringSeed());
        ArrayNode ncp = cfg.putArray("ncp");
        o.ncp().forEach(ncp::add);
        if (o.arch().equals("cfc")) {
            cfg.put("mode", o.liquid().mode());
            if (o.wiring().equals("full")) {
                cfg.put("backbone-units", o.liquid().backboneUnits()).put("backbone-layers", o.liquid().backboneLayers())
                        .put("backbone-dropout", o.liquid().backboneDropout());
            }
        }
        cfg.put("mixed-memory", o.liquid().mixedMemory());
        cfg.put("qubits", o.qubits()).put("qlayers", o.qlayers()).put("dephasing", o.dephasing())
                .put("sample-rate-hz", o.sampleRateHz()).put("energy-budget-uw", o.energyBudgetUw())
                .put("epochs", o.train().epochs()).put("batch", o.train().batch()).put("lr", o.train().lr())
                .put("weight-decay", o.train().weightDecay()).put("clip-norm", o.train().clipNorm())
                .put("validation", o.train().validationFraction()).put("test", o.testFraction()).put("patience", o.train().patience())
                .put("seed", o.train().seed());
        return cfg;
    }

    private static void writeReport(Options o, CsvTable table, EnergyEstimate e, List<Trainer.Epoch> epochs, ObjectNode metrics,
            ObjectNode test, ObjectNode ablation, TrainableModel model, List<String> outputNames) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("task", o.classification() ? "classification" : "forecast");
        r.set("config", configJson(o));
        r.put("loss", o.classification()
                ? "softmax cross-entropy of the last step's logits against the class of the window's last row"
                : "normalised MSE over all window steps (squared error / training variance of each target)");
        r.put("threads", o.train().threads());
        r.put("seed", o.train().seed());
        r.put("data_sha256", sha256(table.raw()));
        boolean[] trainable = model.trainableMask();
        int trained = 0;
        for (boolean t : trainable) {
            trained += t ? 1 : 0;
        }
        r.put("parameters", trainable.length);
        r.put("trained_parameters", trained);
        ArrayNode names = r.putArray("output_names");
        outputNames.forEach(names::add);
        ArrayNode ep = r.putArray("epochs");
        for (Trainer.Epoch x : epochs) {
            ep.addObject().put("epoch", x.epoch()).put("train_loss", x.trainLoss()).put("validation_loss", x.validationLoss());
        }
        ObjectNode fin = r.putObject("final");
        double best = epochs.stream().mapToDouble(Trainer.Epoch::validationLoss).min().orElse(Double.NaN);
        fin.put("validation_loss", best);
        fin.setAll(metrics);
        if (test != null) {
            // the same figures on the held-out test windows: neither trained on nor used to pick the epoch
            r.set("test", test);
        }
        if (ablation != null) {
            r.set("ablation", ablation);
        }
        r.putObject("energy").put("profile", e.profile()).put("microwatts", e.microwatts())
                .put("microjoules_per_step", e.microjoulesPerStep()).put("sample_rate_hz", e.sampleRateHz());
        try {
            AtomicFiles.write(o.out().resolve("report.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        } catch (IOException ex) {
            throw new TrainException(o.out() + ": cannot write report.json (" + ex.getMessage() + ")", ex);
        }
    }
}
