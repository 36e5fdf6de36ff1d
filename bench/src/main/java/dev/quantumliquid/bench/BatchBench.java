package dev.quantumliquid.bench;

import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One Model.predict call over a batch (default 256 sequences x 100 steps = 25,600 sample-steps). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class BatchBench {
    /** A model version folder, or the name of an ncps fixture (imported at setup). */
    @Param({"ltc_autoncp_20_28_4", "cfc_default_20_50"})
    public String modelDir;

    @Param("256")
    public int batch;

    @Param("100")
    public int steps;

    /** Worker threads of Model.predict. */
    @Param("1")
    public int threads;

    private BenchModels.Loaded loaded;
    private Model model;
    private BatchInput input; // x [batch][steps][F]

    @Setup(Level.Trial)
    public void setup() throws IOException {
        loaded = BenchModels.load(modelDir);
        model = loaded.model();
        SplittableRandom rnd = new SplittableRandom(BenchModels.SEED);
        float[][][] x = new float[batch][][];
        for (int b = 0; b < batch; b++) {
            x[b] = BenchModels.gaussian(rnd, steps, model.inputSize());
        }
        input = BatchInput.of(x);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loaded.close();
    }

    @Benchmark
    public BatchResult predict() {
        return model.predict(input, threads);
    }
}
