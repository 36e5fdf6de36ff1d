package stepdriver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.NcpsImport;
import dev.quantumliquid.engine.model.Session;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Loaded once per benchmarks jar, in that jar's own class loader: LiquidStepBench's loop (one streamed
 * Session.step per call, state carried, reset at the end of the fixture's sequence) without JMH.
 */
public class StepDriver {
    private static final com.sun.management.ThreadMXBean TMX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final float DT = Float.parseFloat(System.getProperty("dt", "1"));
    private static Session session;
    private static float[][] inputs;
    private static float[] y;
    private static int t;

    public static void load(String fixtureDir) throws Exception {
        Path dir = Path.of(fixtureDir);
        Model m = NcpsImport.toModel(dir.getFileName().toString(),
                new ObjectMapper().readTree(dir.resolve("spec.json").toFile()),
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

    /** n steps; nanoseconds per step of this thread's CPU time (time spent descheduled does not count). */
    public static double run(int n) {
        long t0 = TMX.getCurrentThreadCpuTime();
        float acc = 0;
        for (int i = 0; i < n; i++) {
            t = t + 1 == inputs.length ? 0 : t + 1;
            if (t == 0) {
                session.reset();
            }
            session.step(inputs[t], DT, y);
            acc += y[0];
        }
        double ns = (TMX.getCurrentThreadCpuTime() - t0) / (double) n;
        return acc == Float.MIN_VALUE ? -ns : ns;
    }

    /** Bytes this thread allocates per step (should be 0). */
    public static double alloc(int n) {
        long b0 = TMX.getCurrentThreadAllocatedBytes();
        run(n);
        return (TMX.getCurrentThreadAllocatedBytes() - b0) / (double) n;
    }
}
