package dev.quantumliquid.cli;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures model throughput in sample-steps per second on random N(0,1) inputs from a fixed seed:
 * a warm-up phase, then a timed phase. For a quick look; the bench module's JMH runs are the careful
 * measurement.
 */
final class Throughput {
    /** How the model is driven. */
    enum Mode {
        /** One sample, one step per Session.step call, state carried across calls. */
        STREAM,
        /** B x T sample-steps per Model.predict call. */
        BATCH
    }

    /** Most input floats one benchmark may allocate (B x T x F). */
    static final long MAX_INPUT_FLOATS = 64L * 1024 * 1024;
    static final long SEED = 0x5EEDL;

    /** Measured: sample-steps done in the timed phase and the seconds they took. */
    record Result(long sampleSteps, double seconds) {
        double stepsPerSecond() {
            return sampleSteps / seconds;
        }

        double microsPerStep() {
            return seconds * 1e6 / sampleSteps;
        }
    }

    private final Model model;
    private final int batch;   // B (batch mode)
    private final int steps;   // T: sequence length per call (batch) / input cycle length (stream)
    private final int threads;

    Throughput(Model model, int batch, int steps, int threads) {
        long floats = Math.multiplyExact(Math.multiplyExact((long) batch, steps), model.inputSize());
        if (floats > MAX_INPUT_FLOATS) {
            throw new EngineException("bench: --batch " + batch + " x --steps " + steps + " x " + model.inputSize()
                    + " features is " + floats + " input floats, more than the limit of " + MAX_INPUT_FLOATS);
        }
        this.model = model;
        this.batch = batch;
        this.steps = steps;
        this.threads = threads;
    }

    Result run(Mode mode, double warmupSeconds, double seconds) {
        return mode == Mode.STREAM ? stream(warmupSeconds, seconds) : batch(warmupSeconds, seconds);
    }

    private static float[][] gaussian(SplittableRandom rnd, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (float[] r : a) {
            for (int i = 0; i < cols; i++) {
                r[i] = (float) rnd.nextGaussian();
            }
        }
        return a;
    }

    /** Each thread streams its own sequence through its own session until the deadlines pass. */
    private Result stream(double warmupSeconds, double seconds) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long timedNanos = (long) (seconds * 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qlnn-bench");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> parts = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                SplittableRandom rnd = new SplittableRandom(SEED + w);
                parts.add(pool.submit(() -> streamWorker(gaussian(rnd, steps, model.inputSize()), warmEnd, timedNanos)));
            }
            long total = 0;
            double rate = 0;
            for (Future<Result> f : parts) {
                Result r = f.get();
                total += r.sampleSteps();
                rate += r.stepsPerSecond();
            }
            // Aggregate rate = sum of the workers' rates; report the steps over the matching time.
            return new Result(total, total / rate);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("bench interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Warms up until warmEnd (shared), then times its own {@code timedNanos} from where its warm-up ended. */
    private Result streamWorker(float[][] xs, long warmEnd, long timedNanos) {
        Session s = model.newSession();
        float[] y = new float[model.outputSize()]; // [O]
        float sink = 0f;
        int k = 0;
        while (System.nanoTime() < warmEnd) {
            for (int i = 0; i < 64; i++) {
                sink += s.step(xs[k], 1f, y);
                k = k + 1 == xs.length ? 0 : k + 1;
            }
        }
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + timedNanos;
        long t1;
        do {
            for (int i = 0; i < 64; i++) {
                s.step(xs[k], 1f, y);
                k = k + 1 == xs.length ? 0 : k + 1;
            }
            sink += y[0];
            n += 64;
            t1 = System.nanoTime();
        } while (t1 < end);
        if (sink == 42.4242f) {
            System.err.print(""); // keeps the results observable to the JIT
        }
        return new Result(n, (t1 - t0) / 1e9);
    }

    private Result batch(double warmupSeconds, double seconds) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[][][] x = new float[batch][][];
        for (int b = 0; b < batch; b++) {
            x[b] = gaussian(rnd, steps, model.inputSize());
        }
        BatchInput in = BatchInput.of(x);
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < warmEnd) {
            model.predict(in, threads);
        }
        long calls = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        long t1;
        do {
            model.predict(in, threads);
            calls++;
            t1 = System.nanoTime();
        } while (t1 < deadline);
        return new Result(calls * batch * steps, (t1 - t0) / 1e9);
    }
}
