package dev.quantumliquid.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.Activation;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.train.arch.CfcTwin;
import dev.quantumliquid.train.arch.DenseTwin;
import dev.quantumliquid.train.arch.LtcTwin;
import dev.quantumliquid.train.arch.PqcTwin;
import dev.quantumliquid.train.arch.ScaleTwin;
import dev.quantumliquid.train.arch.TrainableLayer;
import dev.quantumliquid.train.arch.TrainableModel;
import dev.quantumliquid.train.arch.WiredCfcTwin;
import dev.quantumliquid.train.data.CsvTable;
import dev.quantumliquid.train.data.Windows;
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
    /** Everything the command line sets. */
    public record Options(Path data, List<String> features, List<String> targets, String dtColumn, int window, int horizon,
            String arch, int units, String wiring, double sparsity, long wiringSeed, List<Integer> ncp, int qubits, int qlayers,
            double dephasing, double sampleRateHz, double energyBudgetUw, Trainer.Config train, Path out, boolean resume) {
        public Options {
            ncp = List.copyOf(ncp);
        }

        /** The same run without --resume. */
        public Options(Path data, List<String> features, List<String> targets, String dtColumn, int window, int horizon,
                String arch, int units, String wiring, double sparsity, long wiringSeed, List<Integer> ncp, int qubits, int qlayers,
                double dephasing, double sampleRateHz, double energyBudgetUw, Trainer.Config train, Path out) {
            this(data, features, targets, dtColumn, window, horizon, arch, units, wiring, sparsity, wiringSeed, ncp, qubits, qlayers,
                    dephasing, sampleRateHz, energyBudgetUw, train, out, false);
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

    /** What the run produced. */
    public record Result(double microwatts, List<Trainer.Epoch> epochs, double validationNrmse, Path out) {
    }

    private TrainJob() {
    }

    /** Builds the untrained model and its estimated power; refuses one over the budget. */
    public static TrainableModel build(Options o, Windows w, int cut) {
        defaultWiringSeed(o.wiring());
        if (!o.ncp().isEmpty() && !o.wiring().equals("ncp")) {
            throw new TrainException("--ncp is only used with --wiring ncp");
        }
        if (o.units() < 1) {
            throw new TrainException("--units must be >= 1, got " + o.units());
        }
        SplittableRandom r = new SplittableRandom(o.train().seed());
        int f = o.features().size();
        int tOut = o.targets().size();
        double[][] fs = stats(w.x(), cut, f);
        double[][] ts = stats(w.y(), cut, tOut);
        List<TrainableLayer> layers = new ArrayList<>();
        double[] inScale = new double[f];
        double[] inShift = new double[f];
        for (int i = 0; i < f; i++) {
            inScale[i] = 1.0 / fs[1][i];
            inShift[i] = -fs[0][i] / fs[1][i];
        }
        layers.add(new ScaleTwin("input_scale", inScale, inShift));
        int width = f;
        if (o.qubits() > 0) {
            layers.add(PqcTwin.create("q", width, o.qubits(), Math.max(1, o.qlayers()), o.dephasing(), r));
            width = o.qubits();
        }
        switch (o.arch()) {
            case "cfc" -> layers.add(!o.wiring().equals("full")
                    ? WiredCfcTwin.create("rnn", width, "default", wiring(o, width, tOut), r)
                    : CfcTwin.create("rnn", new CfcTwin.Config(width, o.units(), "default", Activation.LECUN_TANH,
                    Math.max(8, o.units()), 1, 0.0, false, 0), r));
            case "ltc" -> {
                Wiring wr = wiring(o, width, tOut);
                // ncps writes an integer units for its default FullyConnected; any other wiring ships its adjacency.
                boolean plain = o.wiring().equals("full") && o.wiringSeed() == FullyConnectedWiring.DEFAULT_SEED;
                layers.add(LtcTwin.create("rnn", new LtcTwin.Config(width, wr.units(), wr.outputDim(), "affine", "affine", 6,
                        1e-8, true, false), plain ? null : wr.toJson(), wr.adjacencyFlat(), wr.sensoryAdjacencyFlat(), r));
            }
            default -> throw new TrainException("--arch must be cfc or ltc, got '" + o.arch() + "'");
        }
        layers.add(DenseTwin.create("head", layers.get(layers.size() - 1).outputSize(), tOut, Activation.NONE, r));
        layers.add(new ScaleTwin("output_scale", ts[1].clone(), ts[0].clone()));
        String name = o.out().getParent() == null ? "model" : o.out().toAbsolutePath().getParent().getFileName().toString();
        return new TrainableModel(new TrainableModel.Info(name, "trained by qlnn train (" + o.arch() + ")", f, o.targets(),
                o.sampleRateHz(), "cortex-m4f"), layers);
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

    /** [0] mean, [1] standard deviation (1 when constant) per column over the first cut windows' steps. */
    static double[][] stats(double[][][] x, int cut, int cols) {
        double[][] s = new double[2][cols];
        long n = 0;
        for (int w = 0; w < cut; w++) {
            for (double[] step : x[w]) {
                n++;
                for (int c = 0; c < cols; c++) {
                    s[0][c] += step[c];
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            s[0][c] /= n;
        }
        for (int w = 0; w < cut; w++) {
            for (double[] step : x[w]) {
                for (int c = 0; c < cols; c++) {
                    s[1][c] += (step[c] - s[0][c]) * (step[c] - s[0][c]);
                }
            }
        }
        for (int c = 0; c < cols; c++) {
            double sd = Math.sqrt(s[1][c] / n);
            s[1][c] = sd > 1e-12 ? sd : 1.0;
        }
        return s;
    }

    public static Result run(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress) {
        return run(o, log, progress, b -> { });
    }

    /** As {@link #run(Options, Consumer, Consumer)}, also reporting each batch (the live progress line). */
    public static Result run(Options o, Consumer<String> log, Consumer<Trainer.Epoch> progress, Consumer<Trainer.Batch> batches) {
        CsvTable table = CsvTable.read(o.data());
        Windows w = Windows.of(table, o.features(), o.targets(), o.dtColumn(), o.window(), o.horizon());
        int cut = Trainer.split(w.size(), o.train().validationFraction());
        TrainableModel model = build(o, w, cut);
        Model engineModel = model.toModel();
        EnergyEstimate energy = EnergyEstimate.of(engineModel, EnergyProfile.forModel(engineModel));
        log.accept(String.format(java.util.Locale.ROOT, "estimated power %.3f uW at %s Hz on %s (budget %.3f uW), %d parameters",
                energy.microwatts(), o.sampleRateHz(), energy.profile(), o.energyBudgetUw(), model.parameterCount()));
        if (energy.microwatts() > o.energyBudgetUw()) {
            throw new TrainException(String.format(java.util.Locale.ROOT,
                    "the architecture needs an estimated %.3f uW, over the budget of %.3f uW (--energy-budget-uw or ENERGY_BUDGET_UW):"
                    + " use fewer units or qubits, or a lower --sample-rate-hz", energy.microwatts(), o.energyBudgetUw()));
        }
        double[] lossW = new double[o.targets().size()];
        double[][] ts = stats(w.y(), cut, lossW.length);
        for (int j = 0; j < lossW.length; j++) {
            lossW[j] = 1.0 / (ts[1][j] * ts[1][j]);
        }
        Checkpoint.Spec ckpt = new Checkpoint.Spec(o.out().resolve("checkpoint"), fingerprint(o, sha256(table.raw())), o.resume());
        List<Trainer.Epoch> epochs = new Trainer(model, o.train(), lossW).train(w, progress, batches, ckpt);
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
        ModelFiles.write(o.out(), model.modelJson(), weights,
                List.of(Tensor.f32("input", new int[] {cb, o.window(), o.features().size()}, cal)));
        Model written = ModelFiles.load(o.out());
        double nrmse = nrmse(written, w, cut, lossW.length, ts[1]);
        writeReport(o, table, energy, epochs, nrmse, model.parameterCount());
        LossPlot.write(o.out().resolve("loss.png"), epochs);
        return new Result(energy.microwatts(), epochs, nrmse, o.out());
    }

    /** NRMSE of the last step of each validation window (at most 512), per target averaged, on the written model. */
    static double nrmse(Model m, Windows w, int cut, int outs, double[] sd) {
        int to = Math.min(w.size(), cut + 512);
        int n = to - cut;
        int steps = w.x()[0].length;
        float[][][] x = new float[n][steps][];
        float[][] dt = new float[n][steps];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < steps; k++) {
                double[] s = w.x()[cut + i][k];
                x[i][k] = new float[s.length];
                for (int f = 0; f < s.length; f++) {
                    x[i][k][f] = (float) s[f];
                }
                dt[i][k] = (float) w.dt()[cut + i][k];
            }
        }
        double[][][] y = m.predict(BatchInput.of(x).timespans(dt)).output();
        double total = 0;
        for (int j = 0; j < outs; j++) {
            double se = 0;
            for (int i = 0; i < n; i++) {
                double d = y[i][steps - 1][j] - w.y()[cut + i][steps - 1][j];
                se += d * d;
            }
            total += Math.sqrt(se / n) / sd[j];
        }
        return total / outs;
    }

    private static void writeReport(Options o, CsvTable table, EnergyEstimate e, List<Trainer.Epoch> epochs, double nrmse, int params) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        ObjectNode cfg = r.putObject("config");
        cfg.put("data", o.data().toString()).put("features", String.join(",", o.features()))
                .put("targets", String.join(",", o.targets())).put("dt_column", o.dtColumn()).put("window", o.window())
                .put("horizon", o.horizon()).put("arch", o.arch()).put("units", o.units()).put("wiring", o.wiring())
                .put("wiring_seed", o.wiringSeed()).put("sparsity", o.sparsity())
                .put("qubits", o.qubits()).put("qlayers", o.qlayers()).put("dephasing", o.dephasing())
                .put("sample_rate_hz", o.sampleRateHz()).put("energy_budget_uw", o.energyBudgetUw())
                .put("epochs", o.train().epochs()).put("batch", o.train().batch()).put("lr", o.train().lr())
                .put("weight_decay", o.train().weightDecay()).put("clip_norm", o.train().clipNorm())
                .put("threads", o.train().threads()).put("validation_fraction", o.train().validationFraction())
                .put("patience", o.train().patience()).put("loss", "normalised MSE over all window steps");
        r.put("seed", o.train().seed());
        r.put("data_sha256", sha256(table.raw()));
        r.put("parameters", params);
        ArrayNode ep = r.putArray("epochs");
        for (Trainer.Epoch x : epochs) {
            ep.addObject().put("epoch", x.epoch()).put("train_loss", x.trainLoss()).put("validation_loss", x.validationLoss());
        }
        ObjectNode fin = r.putObject("final");
        double best = epochs.stream().mapToDouble(Trainer.Epoch::validationLoss).min().orElse(Double.NaN);
        fin.put("validation_loss", best).put("validation_nrmse_last_step", nrmse);
        r.putObject("energy").put("profile", e.profile()).put("microwatts", e.microwatts())
                .put("microjoules_per_step", e.microjoulesPerStep()).put("sample_rate_hz", e.sampleRateHz());
        try {
            AtomicFiles.write(o.out().resolve("report.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        } catch (IOException ex) {
            throw new TrainException(o.out() + ": cannot write report.json (" + ex.getMessage() + ")", ex);
        }
    }
}
