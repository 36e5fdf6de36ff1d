package dev.quantumliquid.train.fast;

import dev.quantumliquid.engine.model.Activation;

/**
 * {@link Ops} that run the scalar twin until the JIT has compiled the vector twin, then the vector
 * twin. Vector API code runs one to three orders of magnitude slower than plain Java until C2 compiles
 * it (the interpreter and C1 box every vector), and a training run would spend its first seconds
 * there; plain Java gets compiled within milliseconds. The twins give the same bits (OpsTest holds
 * them to it), so the switch may happen at any moment, on any thread, without changing a result:
 * training stays bit-reproducible.
 *
 * <p>A daemon thread drives the vector twin on small probe problems that reach every path (so C2
 * compiles whole methods with the real profiles' branches) and times each probe against the scalar
 * twin on the same problem; once the best recent vector time beats the best recent scalar time, the
 * switch is thrown and the thread ends. It also ends after {@link #LIMIT_NANOS} (staying scalar if the
 * vector code never got faster, as on hardware without SIMD) or at {@link #stop}.
 */
public final class WarmingOps implements Ops {
    static final long LIMIT_NANOS = 60_000_000_000L;
    private static final int WINDOW = 8;

    private final Ops scalar = Ops.scalar();
    private final Ops vector = Ops.vector();
    private volatile boolean ready;
    private volatile boolean stopped;

    private WarmingOps() {
    }

    /** Starts warming the vector twin up in the background. */
    public static WarmingOps start() {
        WarmingOps w = new WarmingOps();
        Thread t = new Thread(w::warm, "qlnn-train-warm-up");
        t.setDaemon(true);
        t.start();
        return w;
    }

    /** True once the calls go to the vector twin. */
    public boolean vectorised() {
        return ready;
    }

    /** Ends the warm-up thread (the calls stay on whichever twin they are on). */
    public void stop() {
        stopped = true;
    }

    private Ops pick() {
        return ready ? vector : scalar;
    }

    /** The probe problems: small, but through every tile and tail of every vector loop. */
    private static final class Probe {
        final int l = Ops.vector().lanes();
        final int cols = 3 * l;
        final double[] a = fill(11 * 20, 1);
        final double[] bias = fill(11, 2);
        final double[] x = fill(20 * cols, 3);
        final double[] c = new double[11 * cols];
        final double[] dz = fill(2 * 11 * cols, 4);
        final double[] xt = fill(2 * cols * (2 * l + 3), 5);
        final double[] w = new double[11 * (2 * l + 3)];
        final double[] act = new double[6 * l + 1];
        final double[] d = new double[6 * l + 1];
        final double[] heads = fill(4 * 3 * cols, 6);
        final double[] dt = fill(cols, 7);
        final double[] s = new double[3 * 3 * cols];
        final double[] h = new double[3 * cols];
        final double[] dh = fill(3 * cols, 8);
        final double[] dHeads = new double[4 * 3 * cols];
        double sink;

        private static double[] fill(int n, int seed) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = Math.sin(seed * 31.0 + i) * 0.9;
            }
            return v;
        }

        void run(Ops o) {
            o.mul(a, 0, 20, 11, 20, bias, 0, x, 0, cols, c, 0);
            java.util.Arrays.fill(w, 0.0);
            o.outer(dz, 0, 11 * cols, 11, xt, 0, cols * (2 * l + 3), 2 * l + 3, 2 * l + 3, 2, cols, w, 0, 2 * l + 3);
            o.rowSums(dz, 0, 11 * cols, 11, 2, cols, bias, 0);
            for (Activation f : Activation.values()) {
                if (f != Activation.GELU) {
                    System.arraycopy(x, 0, act, 0, act.length);
                    o.activate(f, act, 0, act.length, d, 0);
                }
            }
            o.multiply(act, 0, d, 0, act.length);
            o.add(act, 0, d, 0, act.length);
            for (boolean noGate : new boolean[] {false, true}) {
                o.gate(noGate, heads, 0, 3, cols, dt, 0, s, 0, h, 0);
                o.gateBackward(noGate, dh, 0, 3, cols, dt, 0, s, 0, dHeads, 0);
            }
            java.util.Arrays.fill(bias, 0.5);
            sink += c[1] + w[2] + act[3] + h[4] + dHeads[5];
        }
    }

    private void warm() {
        Probe p = new Probe();
        long[] sc = new long[WINDOW];
        long[] vc = new long[WINDOW];
        java.util.Arrays.fill(sc, Long.MAX_VALUE);
        java.util.Arrays.fill(vc, Long.MAX_VALUE);
        long end = System.nanoTime() + LIMIT_NANOS;
        for (int i = 0; !stopped && System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            p.run(scalar);
            long t1 = System.nanoTime();
            p.run(vector);
            long t2 = System.nanoTime();
            sc[i % WINDOW] = t1 - t0;
            vc[i % WINDOW] = t2 - t1;
            if (i >= WINDOW && min(vc) < min(sc)) {
                ready = true;
                return;
            }
        }
    }

    private static long min(long[] v) {
        long m = Long.MAX_VALUE;
        for (long x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    @Override
    public int lanes() {
        return vector.lanes(); // the twins pad alike
    }

    @Override
    public void mul(double[] a, int aOff, int lda, int rows, int inner, double[] bias, int biasOff, double[] x, int xOff, int cols,
            double[] c, int cOff) {
        pick().mul(a, aOff, lda, rows, inner, bias, biasOff, x, xOff, cols, c, cOff);
    }

    @Override
    public void outer(double[] dz, int dzOff, int dzStep, int rows, double[] xt, int xtOff, int xtStep, int ldx, int inner, int steps,
            int cols, double[] w, int wOff, int ldw) {
        pick().outer(dz, dzOff, dzStep, rows, xt, xtOff, xtStep, ldx, inner, steps, cols, w, wOff, ldw);
    }

    @Override
    public void rowSums(double[] dz, int dzOff, int dzStep, int rows, int steps, int cols, double[] b, int bOff) {
        pick().rowSums(dz, dzOff, dzStep, rows, steps, cols, b, bOff);
    }

    @Override
    public void activate(Activation f, double[] a, int aOff, int n, double[] d, int dOff) {
        pick().activate(f, a, aOff, n, d, dOff);
    }

    @Override
    public void multiply(double[] y, int yOff, double[] d, int dOff, int n) {
        pick().multiply(y, yOff, d, dOff, n);
    }

    @Override
    public void add(double[] y, int yOff, double[] d, int dOff, int n) {
        pick().add(y, yOff, d, dOff, n);
    }

    @Override
    public void gate(boolean noGate, double[] heads, int hOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] out, int outOff) {
        pick().gate(noGate, heads, hOff, units, cols, dt, dtOff, s, sOff, out, outOff);
    }

    @Override
    public void gateBackward(boolean noGate, double[] dh, int dhOff, int units, int cols, double[] dt, int dtOff, double[] s, int sOff,
            double[] dHeads, int dOff) {
        pick().gateBackward(noGate, dh, dhOff, units, cols, dt, dtOff, s, sOff, dHeads, dOff);
    }
}
