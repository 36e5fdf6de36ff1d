package dev.quantumliquid.bench;

import dev.quantumliquid.engine.kernel.Kernels;
import java.util.SplittableRandom;
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
 * The kernel twins side by side: Kernels.SCALAR vs Kernels.VECTOR. Sizes are "in x out": 70x128 is
 * the default CfC backbone (20 inputs + 50 units -> 128), 128x50 its ff heads; dot runs over "in".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelBench {
    @Param({"70x128", "128x50"})
    public String size;

    private int rows;  // out
    private int cols;  // in
    private float[] w; // [rows][cols]
    private float[] b; // [rows]
    private float[] x; // [cols]
    private float[] y; // [rows]

    @Setup
    public void setup() {
        String[] p = size.split("x");
        cols = Integer.parseInt(p[0]);
        rows = Integer.parseInt(p[1]);
        SplittableRandom rnd = new SplittableRandom(BenchModels.SEED);
        w = BenchModels.gaussian(rnd, 1, rows * cols)[0];
        b = BenchModels.gaussian(rnd, 1, rows)[0];
        x = BenchModels.gaussian(rnd, 1, cols)[0];
        y = new float[rows];
    }

    @Benchmark
    public float[] matVecScalar() {
        Kernels.SCALAR.matVec(w, b, x, 0, rows, cols, y, 0);
        return y;
    }

    @Benchmark
    public float[] matVecVector() {
        Kernels.VECTOR.matVec(w, b, x, 0, rows, cols, y, 0);
        return y;
    }

    @Benchmark
    public float dotScalar() {
        return Kernels.SCALAR.dot(w, 0, x, 0, cols);
    }

    @Benchmark
    public float dotVector() {
        return Kernels.VECTOR.dot(w, 0, x, 0, cols);
    }
}
