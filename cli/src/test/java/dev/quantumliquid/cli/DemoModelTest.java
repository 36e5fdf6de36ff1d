package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.pruning.Calibration;
import dev.quantumliquid.engine.pruning.Pruning;
import dev.quantumliquid.engine.pruning.PruningResult;
import dev.quantumliquid.train.data.MackeyGlass;
import dev.quantumliquid.train.run.TrainJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bundled demo, models/quantum-liquid-demo/1, is what tools/train_demo.sh's qlnn train command
 * makes: its report.json states that command's configuration and data, the README quotes the
 * command and the report's figures, the model loads, is quantum-liquid, stays within the default
 * budget and survives the server's default load-time pruning; and that command trains (one epoch
 * on a slice) through the CLI.
 */
class DemoModelTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."), "..").toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("tools/train_demo.sh");
    private static final Path DEMO = ROOT.resolve("models/quantum-liquid-demo/1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String README_OUT = "models/my-forecaster/1";

    /** The script's commands, backslash continuations joined, whitespace collapsed. */
    private static List<String> commands() throws IOException {
        String text = Files.readString(SCRIPT).replace("\\\n", " ");
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip().replaceAll("\\s+", " ");
            if (l.startsWith("./qlnn ")) {
                out.add(l);
            }
        }
        return out;
    }

    private static String command(String sub) throws IOException {
        return commands().stream().filter(c -> c.startsWith("./qlnn " + sub + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(SCRIPT + " has no ./qlnn " + sub + " command"));
    }

    /** The arguments after "./qlnn train". */
    private static List<String> trainArgs() throws IOException {
        List<String> a = new ArrayList<>(Arrays.asList(command("train").split(" ")));
        return a.subList(2, a.size());
    }

    private static String arg(List<String> args, String name) {
        return args.get(args.indexOf(name) + 1);
    }

    private static JsonNode report() throws IOException {
        return JSON.readTree(DEMO.resolve("report.json").toFile());
    }

    @Test
    void reportStatesTheScriptsCommandAndData(@TempDir Path tmp) throws Exception {
        TrainCommand cmd = new TrainCommand(Map.of());
        new CommandLine(cmd).parseArgs(trainArgs().toArray(new String[0]));
        TrainJob.Options o = cmd.options();
        assertThat(o.out().toString()).isEqualTo("models/quantum-liquid-demo/1");
        ObjectNode expected = (ObjectNode) JSON.readTree(TrainJob.configJson(o).toString()); // number node types as read
        ObjectNode actual = (ObjectNode) report().get("config").deepCopy();
        expected.remove("energy-budget-uw"); // a check, not a setting: follows ENERGY_BUDGET_UW
        actual.remove("energy-budget-uw");
        assertThat(actual).isEqualTo(expected);
        assertThat(report().get("task").asText()).isEqualTo("forecast");

        List<String> ds = Arrays.asList(command("dataset").split(" "));
        assertThat(ds.subList(0, 3)).containsExactly("./qlnn", "dataset", "mackey-glass");
        assertThat(arg(ds, "--out")).isEqualTo(o.data().toString());
        Path csv = tmp.resolve("mg.csv");
        MackeyGlass.write(csv, Integer.parseInt(arg(ds, "--length")));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(csv)));
        assertThat(report().get("data_sha256").asText()).as("the series the script generates").isEqualTo(sha);
    }

    @Test
    void readmeQuotesTheCommandsAndTheReportsFigures() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md")).replace("\\\n", " ").replaceAll("[ \\t]+", " ");
        // The README trains into a folder of the user's: run as printed, it leaves the shipped model alone.
        String shipped = "--out " + ROOT.relativize(DEMO);
        for (String c : commands()) {
            assertThat(readme).as("README quotes " + c).contains(c.replace(shipped, "--out " + README_OUT));
        }
        assertThat(readme).doesNotContain(shipped).contains("tools/train_demo.sh");
        JsonNode fin = report().get("final");
        assertThat(readme).contains(String.format(Locale.ROOT, "%.3f", fin.get("one_step_nrmse").asDouble()));
        assertThat(readme).contains(String.format(Locale.ROOT, "%.3f", fin.get("ten_step_nrmse").asDouble()));
        assertThat(readme).contains(String.format(Locale.ROOT, "%.1f uW", report().get("energy").get("microwatts").asDouble()));
    }

    @Test
    void bundledModelIsQuantumLiquidWithinTheBudgetAndSurvivesDefaultPruning() throws Exception {
        Model m = ModelFiles.load(DEMO); // checksums verified
        assertThat(DEMO.resolve("checkpoint")).doesNotExist();
        assertThat(DEMO.resolve("loss.png")).isRegularFile();
        List<String> types = m.layers().stream().map(l -> l.type()).toList();
        assertThat(types).containsSubsequence("pqc", "ncps", "dense");
        JsonNode liquid = m.json().get("layers").get(types.indexOf("ncps") + 0);
        assertThat(liquid.get("spec").get("units").isObject()).as("a wired liquid layer").isTrue();
        assertThat(m.qubits()).isPositive();
        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.forModel(m));
        assertThat(e.microwatts()).isLessThanOrEqualTo(50.0);
        assertThat(e.microwatts()).isCloseTo(report().get("energy").get("microwatts").asDouble(), within(1e-9));
        assertThat(e.sampleRateHz()).isEqualTo(Double.parseDouble(arg(trainArgs(), "--sample-rate-hz")));
        // The server's defaults: LIQUID_SPARSITY 0.4, QLNN_PRUNE_MAX_DRIFT 0.05, on the version's calibration sample.
        PruningResult p = Pruning.prune(m, 0.4, Calibration.forVersion(DEMO, m), 0.05);
        assertThat(p.sparsity()).isGreaterThanOrEqualTo(0.4 - 1e-9);
        assertThat(p.drift()).isLessThanOrEqualTo(0.05);
        assertThat(EnergyEstimate.of(p.model(), EnergyProfile.forModel(p.model())).microwatts()).isLessThanOrEqualTo(50.0);
        // QUANTUM_COHERENCE_THRESHOLD's default: on its own data the demo is not flagged as decohered.
        assertThat(report().get("final").get("coherence_mean").asDouble()).isGreaterThanOrEqualTo(0.6);
    }

    @Test
    void theDemoCommandTrainsThroughTheCli(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("mg.csv");
        assertThat(Cli.run("dataset", "mackey-glass", "--out", csv.toString(), "--length", "200").code()).isZero();
        List<String> args = new ArrayList<>(trainArgs());
        Path out = tmp.resolve("repo/quantum-liquid-demo/1");
        args.set(args.indexOf("--data") + 1, csv.toString());
        args.set(args.indexOf("--epochs") + 1, "1");
        args.set(args.indexOf("--out") + 1, out.toString());
        args.add(0, "train");
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode fin = JSON.readTree(out.resolve("report.json").toFile()).get("final");
        assertThat(fin.get("one_step_nrmse").asDouble()).isFinite().isPositive();
        assertThat(fin.get("ten_step_nrmse").isNumber()).isTrue();
        assertThat(ModelFiles.load(out).info().outputNames()).containsExactly("x");
    }

    /**
     * The script's commands, run here as written (only the output folder differs), give the shipped weights
     * to the bit and the shipped per-epoch losses and final figures: the full 20-epoch training (about 1.5
     * minutes on two idle cores; the kernels give the same bits on any vector width, see
     * VectorWidthReproducibilityTest).
     */
    @Test
    void theScriptsCommandReproducesTheShippedWeights(@TempDir Path tmp) throws Exception {
        List<String> ds = new ArrayList<>(Arrays.asList(command("dataset").split(" ")));
        List<String> args = new ArrayList<>(trainArgs());
        Path csv = tmp.resolve("mackey-glass.csv");
        ds.set(ds.indexOf("--out") + 1, csv.toString());
        assertThat(Cli.run(ds.subList(1, ds.size()).toArray(new String[0])).code()).isZero();
        Path out = tmp.resolve("repo/quantum-liquid-demo/1");
        args.set(args.indexOf("--data") + 1, csv.toString());
        args.set(args.indexOf("--out") + 1, out.toString());
        args.add(0, "train");
        Cli.Run r = Cli.run(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isZero();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertThat(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(out.resolve("weights.safetensors")))))
                .as("the shipped weights' digest")
                .isEqualTo(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(DEMO.resolve("weights.safetensors")))));
        JsonNode made = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(made.get("epochs")).isEqualTo(report().get("epochs"));
        assertThat(made.get("final")).isEqualTo(report().get("final"));
    }
}
