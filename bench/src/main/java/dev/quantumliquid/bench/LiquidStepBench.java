package dev.quantumliquid.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.NcpsImport;
import dev.quantumliquid.engine.model.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One streamed step (Session.step, one sample) of an ncps fixture model, float32 fast path. Fixtures are
 * read from -Dqlnn.fixtures (default engine/src/test/resources/fixtures/ncps, relative to the checkout);
 * -Dqlnn.kernels=scalar times the scalar twins instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LiquidStepBench {
    @Param({"ltc_autoncp_20_28_4", "cfc_default_20_50"})
    public String fixture;

    private Session session;
    private float[][] inputs; // [T][F] the fixture's first sample
    private float[] y;
    private int t;

    @Setup
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("qlnn.fixtures", "engine/src/test/resources/fixtures/ncps")).resolve(fixture);
        Model m = NcpsImport.toModel(fixture, new ObjectMapper().readTree(dir.resolve("spec.json").toFile()),
                SafeTensors.read(dir.resolve("weights.safetensors")));
        Tensor in = SafeTensors.read(dir.resolve("io.safetensors")).require("input");
        inputs = new float[in.dim(1)][in.dim(2)];
        for (int s = 0; s < inputs.length; s++) {
            for (int f = 0; f < inputs[s].length; f++) {
                inputs[s][f] = (float) in.get(s * in.dim(2) + f);
            }
        }
        session = m.newSession();
        y = new float[m.outputSize()];
    }

    @Benchmark
    public float step() {
        t = t + 1 == inputs.length ? 0 : t + 1;
        if (t == 0) {
            session.reset(); // keep the state in the range the fixture exercises
        }
        session.step(inputs[t], 1f, y);
        return y[0];
    }
}
