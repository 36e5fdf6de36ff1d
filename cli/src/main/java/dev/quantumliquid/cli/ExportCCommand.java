package dev.quantumliquid.cli;

import dev.quantumliquid.engine.edge.CExport;
import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn export-c}: a model as dependency-free C99 for microcontrollers. */
@Command(name = "export-c", mixinStandardHelpOptions = true,
        description = {"Writes a model as dependency-free C99 for microcontrollers.",
            "OUT/NAME_model.h is the contract, OUT/NAME_model.c the float32 step (weights in flash, no dynamic",
            "memory, only <math.h>). See docs/EDGE.md."})
final class ExportCCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model version folder.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the two files into (created if missing).")
    Path out;

    @Option(names = "--name", defaultValue = CExport.DEFAULT_NAME, paramLabel = "NAME",
            description = "Prefix of the file names and C symbols (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--max-ram", paramLabel = "BYTES", description = "Refuse a model needing more static RAM (default ${DEFAULT-VALUE}).")
    long maxRam = CExport.Limits.DEFAULT.maxRamBytes();

    @Option(names = "--max-flash", paramLabel = "BYTES", description = "Refuse a model needing more constant data (default ${DEFAULT-VALUE}).")
    long maxFlash = CExport.Limits.DEFAULT.maxFlashBytes();

    @Option(names = "--report", description = {"Also build it for a Cortex-M4F and run it on qemu-system-arm -M mps2-an386:",
        "flash, RAM, instructions per step and both power estimates (needs arm-none-eabi-gcc and qemu-system-arm)."})
    boolean report;

    @Override
    public Integer call() {
        Model m = ModelDirs.load(model);
        CExport.Files f = CExport.generate(m, CExport.checkName(name), new CExport.Limits(maxFlash, maxRam));
        List<Path> written = CExport.write(f, out);
        var o = spec.commandLine().getOut();
        o.printf("wrote %s and %s: %d inputs -> %d outputs, state %d floats, constants %d bytes, static RAM %d bytes%n",
                written.get(0), written.get(1), m.inputSize(), m.outputSize(), f.stateFloats(), f.constantBytes(),
                f.ramBytes());
        if (report) {
            ModelReport r = ModelReport.measured(m, EdgeMeasure.run(m));
            StringBuilder sb = new StringBuilder();
            ModelReport.line(sb, "power at " + ModelReport.fmt(r.sampleRateHz()) + " Hz",
                    ModelReport.fmt(r.energy().microwatts()) + " uW (from operation counts, profile " + r.energyProfile() + ")");
            ModelReport.measuredText(sb, r.measured().orElseThrow(), r.sampleRateHz());
            o.print(sb);
        }
        o.flush();
        return Main.EXIT_OK;
    }
}
