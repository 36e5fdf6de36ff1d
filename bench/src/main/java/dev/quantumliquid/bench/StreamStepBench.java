package dev.quantumliquid.bench;

import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
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
import org.openjdk.jmh.infra.Blackhole;

/** One streaming step (Session.step, one sample, state carried) of a model. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class StreamStepBench {
    /** A model version folder, or the name of an ncps fixture (imported at setup). */
    @Param({"ltc_autoncp_20_28_4", "cfc_default_20_50"})
    public String modelDir;

    private BenchModels.Loaded loaded;
    private Session session;
    private float[][] xs; // [CYCLE][F] inputs, cycled
    private float[] y;    // [O]
    private int k;
    private static final int CYCLE = 128;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        loaded = BenchModels.load(modelDir);
        Model m = loaded.model();
        session = m.newSession();
        xs = BenchModels.gaussian(new SplittableRandom(BenchModels.SEED), CYCLE, m.inputSize());
        y = new float[m.outputSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loaded.close();
    }

    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(session.step(xs[k], 1f, y));
        bh.consume(y[0]);
        k = (k + 1) & (CYCLE - 1);
    }
}
