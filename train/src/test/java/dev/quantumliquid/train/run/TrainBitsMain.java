package dev.quantumliquid.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.train.data.MackeyGlass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM of {@link VectorWidthReproducibilityTest}: trains three small models in folder args[0] (an LTC
 * over AutoNCP behind a 2-qubit circuit, a CfC with its backbone, a wired CfC) and prints, per model, the
 * SHA-256 of the written weights, the per-epoch losses and report.json's {@code final} figures.
 */
public final class TrainBitsMain {
    private TrainBitsMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path csv = dir.resolve("mg.csv");
        MackeyGlass.write(csv, 700);
        run(csv, dir.resolve("ltc"), "ltc", 8, "autoncp", 2);
        run(csv, dir.resolve("cfc"), "cfc", 12, "full", 0);
        run(csv, dir.resolve("wired"), "cfc", 10, "autoncp", 0);
    }

    private static void run(Path csv, Path out, String arch, int units, String wiring, int qubits) throws Exception {
        TrainJob.Options o = new TrainJob.Options(csv, List.of("x"), List.of("x"), null, 16, 1, arch, units, wiring, 0.4,
                TrainJob.defaultWiringSeed(wiring), List.of(), qubits, qubits > 0 ? 1 : 0, 0.0, 1.0, 1000.0,
                new Trainer.Config(2, 32, 0.01, 0.0, 1.0, 1, 2, 0.2, 0, 0), out);
        TrainJob.run(o, s -> { }, e -> { });
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        System.out.println(out.getFileName() + " weights " + TrainJob.sha256(Files.readAllBytes(out.resolve("weights.safetensors")))
                + " epochs " + report.get("epochs") + " final " + report.get("final"));
    }
}
