package dev.quantumliquid.engine.pruning;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The input sequences pruning drift is measured on (spec section 1): tensor "input" [B,T,F] of a
 * version's calibration.safetensors, or, when a version has none, a generated sequence of
 * {@value #BATCH} x {@value #STEPS} steps of independent N(0,1) values from
 * {@code new SplittableRandom(}{@value #SEED}{@code ).nextGaussian()}, drawn in [b][t][f] order.
 */
public final class Calibration {
    public static final long SEED = 42;
    public static final int BATCH = 4;
    public static final int STEPS = 32;
    public static final String TENSOR = "input";

    private final float[][][] input; // [B][T][F]
    private final String source;

    private Calibration(float[][][] input, String source) {
        this.input = input;
        this.source = source;
    }

    /** Calibration from given sequences x[B][T][F] (at least one step, rectangular, finite; copied). */
    public static Calibration of(float[][][] x, String source) {
        if (x.length == 0 || x[0].length == 0 || x[0][0].length == 0) {
            throw new EngineException(source + ": calibration input must have B, T and F of at least 1");
        }
        int t = x[0].length;
        int f = x[0][0].length;
        float[][][] copy = new float[x.length][t][];
        for (int b = 0; b < x.length; b++) {
            if (x[b].length != t) {
                throw new EngineException(source + ": calibration sample " + b + " has " + x[b].length
                        + " steps, sample 0 has " + t);
            }
            for (int k = 0; k < t; k++) {
                if (x[b][k].length != f) {
                    throw new EngineException(source + ": calibration sample " + b + " step " + k + " has "
                            + x[b][k].length + " features, expected " + f);
                }
                for (int i = 0; i < f; i++) {
                    if (!Float.isFinite(x[b][k][i])) {
                        throw new EngineException(source + ": calibration sample " + b + " step " + k + " feature " + i
                                + " is " + x[b][k][i] + " (must be finite)");
                    }
                }
                copy[b][k] = x[b][k].clone();
            }
        }
        return new Calibration(copy, source);
    }

    /** The fixed-seed N(0,1) calibration for a model with this many input features. */
    public static Calibration generated(int features) {
        if (features < 1) {
            throw new EngineException("calibration: features must be at least 1, got " + features);
        }
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[][][] x = new float[BATCH][STEPS][features];
        for (float[][] sample : x) {
            for (float[] step : sample) {
                for (int i = 0; i < features; i++) {
                    step[i] = (float) rnd.nextGaussian();
                }
            }
        }
        return new Calibration(x, "generated: N(0,1), SplittableRandom seed " + SEED + ", " + BATCH + " x " + STEPS);
    }

    /**
     * The "input" tensor [B,T,features] of a calibration file. Its checksum is checked by
     * {@link ModelFiles#load}, not here.
     */
    public static Calibration fromFile(TensorFile file, int features) {
        Tensor t = file.require(TENSOR);
        if (t.rank() != 3 || t.dim(2) != features || t.dim(0) < 1 || t.dim(1) < 1) {
            throw new EngineException(file.label() + ": tensor '" + TENSOR + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [B, T, " + features + "] with B, T >= 1");
        }
        t.requireFinite(file.label());
        int b = t.dim(0);
        int n = t.dim(1);
        float[] v = t.toFloatArray();
        float[][][] x = new float[b][n][features];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < n; k++) {
                System.arraycopy(v, (i * n + k) * features, x[i][k], 0, features);
            }
        }
        return new Calibration(x, file.label());
    }

    /** The version folder's calibration.safetensors, if it has one. */
    public static Optional<Calibration> read(Path versionDir, int features) {
        Path p = versionDir.resolve(ModelFiles.CALIBRATION);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        return Optional.of(fromFile(SafeTensors.read(p), features));
    }

    /** The version folder's calibration when present, else the generated one. */
    public static Calibration forVersion(Path versionDir, Model model) {
        return of(ModelFiles.read(versionDir, Long.MAX_VALUE), model.inputSize());
    }

    /** A loaded version's verified calibration when it has one, else the generated one. */
    public static Calibration of(ModelFiles.Loaded version, int features) {
        return version.calibration().map(f -> fromFile(f, features)).orElseGet(() -> generated(features));
    }

    /** Where the sequences came from (file name, or how they were generated). */
    public String source() {
        return source;
    }

    public int batch() {
        return input.length;
    }

    public int steps() {
        return input[0].length;
    }

    public int features() {
        return input[0][0].length;
    }

    /** The sequences as a model batch (dt = 1, zero initial state). */
    public BatchInput batchInput() {
        return BatchInput.of(input);
    }

    /** A copy of x[B][T][F]. */
    public float[][][] input() {
        float[][][] c = new float[input.length][][];
        for (int b = 0; b < c.length; b++) {
            c[b] = new float[input[b].length][];
            for (int k = 0; k < c[b].length; k++) {
                c[b][k] = input[b][k].clone();
            }
        }
        return c;
    }
}
