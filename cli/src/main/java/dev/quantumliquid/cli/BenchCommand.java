package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.cli.Throughput.Mode;
import dev.quantumliquid.engine.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlnn bench}: a quick throughput measurement of a model, streaming or batched. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures throughput in sample-steps per second on random N(0,1) inputs (fixed seed).",
            "stream: one sample, one step per Session.step call, state carried; batch: B x T sample-steps per",
            "Model.predict call. With --json the last line of stdout is one JSON object."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model version folder.")
    Path model;

    @Option(names = "--mode", defaultValue = "stream", paramLabel = "stream|batch",
            description = "stream (default) or batch.")
    Mode mode;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B", description = "Sequences per predict call (batch mode; default 256).")
    int batch;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "T",
            description = "Steps per sequence (batch mode) / length of the random input cycle (stream mode); default 100.")
    int steps;

    @Option(names = "--warmup-s", defaultValue = "2", paramLabel = "S", description = "Warm-up seconds (default 2).")
    double warmup;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Timed seconds (default 5).")
    double seconds;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Threads: independent streams (stream mode) or predict workers (batch mode); default 1.")
    int threads;

    @Option(names = "--json", description = "End with one JSON line of the results.")
    boolean json;

    @Override
    public Integer call() {
        check(batch >= 1, "--batch must be at least 1, got " + batch);
        check(steps >= 1, "--steps must be at least 1, got " + steps);
        check(threads >= 1 && threads <= 4096, "--threads must be in 1..4096, got " + threads);
        check(warmup >= 0 && warmup <= 3600, "--warmup-s must be in [0, 3600], got " + warmup);
        check(seconds > 0 && seconds <= 3600, "--seconds must be in (0, 3600], got " + seconds);
        Model m = ModelDirs.load(model);
        int b = mode == Mode.STREAM ? 1 : batch;
        Throughput.Result r = new Throughput(m, b, steps, threads).run(mode, warmup, seconds);
        String modeName = mode.name().toLowerCase(Locale.ROOT);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("steps_per_second", r.stepsPerSecond());
            o.put("us_per_step", r.microsPerStep());
            o.put("mode", modeName);
            o.put("batch", b);
            o.put("steps", steps);
            o.put("threads", threads);
            o.put("model", m.name());
            o.put("model_dir", model.toString());
            o.put("sample_steps", r.sampleSteps());
            o.put("seconds", r.seconds());
            o.put("warmup_seconds", warmup);
            out.println(o.toString());
        } else {
            out.printf(Locale.ROOT, "%s: %s, batch %d, steps %d, threads %d: %.1f steps/s, %.3f us/step (%d sample-steps in %.2f s after %.1f s warm-up)%n",
                    m.name(), modeName, b, steps, threads, r.stepsPerSecond(), r.microsPerStep(), r.sampleSteps(),
                    r.seconds(), warmup);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
