package dev.quantumliquid.cli;

import dev.quantumliquid.train.data.MackeyGlass;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn dataset}: writes the reproducible benchmark datasets. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Writes a benchmark dataset as CSV.",
        subcommands = {DatasetCommand.MackeyGlassCommand.class})
final class DatasetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing dataset: mackey-glass");
    }

    /** {@code qlnn dataset mackey-glass}. */
    @Command(name = "mackey-glass", mixinStandardHelpOptions = true,
            description = "Mackey-Glass series (tau 17, beta 0.2, gamma 0.1, n 10; RK4 step 0.1, history x=1.2,"
                    + " one sample per time unit) as CSV with the header t,x; the generator's parameters go to a .json"
                    + " beside it (mackey-glass.csv -> mackey-glass.json).")
    static final class MackeyGlassCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "CSV file to write.")
        Path out;

        @Option(names = "--length", defaultValue = "5000", paramLabel = "N", description = "Samples (time units), default ${DEFAULT-VALUE}.")
        int length;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
                description = "Accepted for a uniform interface; the series is deterministic and does not use it.")
        long seed;

        @Override
        public Integer call() {
            MackeyGlass.write(out, length);
            spec.commandLine().getOut().println("wrote " + length + " samples of Mackey-Glass to " + out + ", its parameters to "
                    + MackeyGlass.sidecar(out));
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }
}
