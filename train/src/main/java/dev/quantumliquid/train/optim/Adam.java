package dev.quantumliquid.train.optim;

/**
 * Adam (Kingma and Ba) with optional decoupled weight decay (AdamW, Loshchilov and Hutter), updating
 * the parameters whose mask is true; frozen ones keep their value.
 */
public final class Adam {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean[] trainable;
    private final double[] m; // [params] first moment
    private final double[] v; // [params] second moment
    private long t;

    public Adam(int params, boolean[] trainable, double weightDecay) {
        this(params, trainable, 0.9, 0.999, 1e-8, weightDecay);
    }

    public Adam(int params, boolean[] trainable, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.trainable = trainable.clone();
        this.m = new double[params];
        this.v = new double[params];
    }

    /** One update of p in place from gradient g at learning rate lr. */
    public void step(double[] p, double[] g, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < p.length; i++) {
            if (!trainable[i]) {
                continue;
            }
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            if (weightDecay > 0) {
                p[i] -= lr * weightDecay * p[i];
            }
            p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
    }

    /** Steps taken so far. */
    public long steps() {
        return t;
    }

    /** Copies of the first and second moments (for a checkpoint). */
    public double[][] moments() {
        return new double[][] {m.clone(), v.clone()};
    }

    /** Restores the state a checkpoint saved: moments and step count. */
    public void restore(double[] m1, double[] m2, long steps) {
        if (m1.length != m.length || m2.length != v.length) {
            throw new IllegalArgumentException("moments of " + m1.length + " values for " + m.length + " parameters");
        }
        System.arraycopy(m1, 0, m, 0, m.length);
        System.arraycopy(m2, 0, v, 0, v.length);
        t = steps;
    }

    /** Scales g so its global L2 norm is at most maxNorm; returns the norm before clipping. */
    public static double clipGlobalNorm(double[] g, double maxNorm) {
        double s = 0;
        for (double x : g) {
            s += x * x;
        }
        double norm = Math.sqrt(s);
        if (maxNorm > 0 && norm > maxNorm) {
            double f = maxNorm / norm;
            for (int i = 0; i < g.length; i++) {
                g[i] *= f;
            }
        }
        return norm;
    }

    /** Cosine decay from lr to lr * floor over total steps. */
    public static double cosine(double lr, long step, long total, double floor) {
        double frac = total <= 1 ? 0 : Math.min(1.0, (double) step / (total - 1));
        return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * frac)));
    }
}
