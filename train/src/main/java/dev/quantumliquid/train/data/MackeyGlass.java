package dev.quantumliquid.train.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Mackey-Glass delay differential equation dx/dt = beta x(t-tau) / (1 + x(t-tau)^n) - gamma x(t)
 * with the standard chaotic parameters, integrated deterministically so every figure can be
 * reproduced: classic RK4 with step {@value #STEP}, constant initial history x(t) = {@value #X0} for
 * t <= 0, the delayed value at a half step taken as the mean of its two grid neighbours (linear
 * interpolation), sampled every {@value #SAMPLE_EVERY} time unit starting at t = 0.
 */
public final class MackeyGlass {
    public static final double TAU = 17.0;
    public static final double BETA = 0.2;
    public static final double GAMMA = 0.1;
    public static final double N = 10.0;
    public static final double STEP = 0.1;
    public static final double X0 = 1.2;
    public static final double SAMPLE_EVERY = 1.0;
    public static final int MAX_LENGTH = 10_000_000;

    private static final int DELAY = (int) Math.round(TAU / STEP);        // grid steps per tau
    private static final int PER_SAMPLE = (int) Math.round(SAMPLE_EVERY / STEP);

    private MackeyGlass() {
    }

    /** The series at t = 0, 1, ..., length-1 (time units). */
    public static double[] series(int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new TrainException("mackey-glass: --length must be in 1.." + MAX_LENGTH + ", got " + length);
        }
        int steps = (length - 1) * PER_SAMPLE;
        double[] x = new double[DELAY + steps + 1]; // x[DELAY + k] = x(k * STEP); before that the history
        java.util.Arrays.fill(x, 0, DELAY + 1, X0);
        for (int k = 0; k < steps; k++) {
            int i = DELAY + k;
            double d0 = x[i - DELAY];
            double d1 = x[i - DELAY + 1];
            double dh = 0.5 * (d0 + d1);
            double xi = x[i];
            double k1 = f(xi, d0);
            double k2 = f(xi + 0.5 * STEP * k1, dh);
            double k3 = f(xi + 0.5 * STEP * k2, dh);
            double k4 = f(xi + STEP * k3, d1);
            x[i + 1] = xi + STEP / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        double[] out = new double[length];
        for (int s = 0; s < length; s++) {
            out[s] = x[DELAY + s * PER_SAMPLE];
        }
        return out;
    }

    static double f(double x, double delayed) {
        return BETA * delayed / (1.0 + Math.pow(delayed, N)) - GAMMA * x;
    }

    /**
     * The generator's parameters as the sidecar .json states them: the equation, its constants, the
     * integration method and the sampling, so that the CSV itself stays a plain table.
     */
    public static ObjectNode parameters(int length) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("dataset", "mackey-glass");
        p.put("equation", "dx/dt = beta*x(t-tau)/(1+x(t-tau)^n) - gamma*x");
        p.put("tau", TAU).put("beta", BETA).put("gamma", GAMMA).put("n", N);
        p.put("method", "classic RK4; the delayed value at a half step is the mean of its two grid neighbours");
        p.put("step", STEP).put("history_x", X0).put("sample_every", SAMPLE_EVERY).put("length", length);
        p.putObject("columns").put("t", "time, in time units of the equation (one sample per unit)").put("x", "the series");
        return p;
    }

    /** The sidecar of a CSV file: its name with .json for .csv (or .json appended). */
    public static Path sidecar(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".json");
    }

    /**
     * Writes the series as CSV with the header {@code t,x} and one row per time unit, and the
     * generator's parameters to {@link #sidecar}.
     */
    public static void write(Path out, int length) {
        double[] x = series(length);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write("t,x\n");
                for (int i = 0; i < x.length; i++) {
                    w.write(i + "," + x[i] + "\n");
                }
            }
            Files.write(sidecar(out), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(parameters(length)));
        } catch (IOException e) {
            throw new TrainException(out + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
