package dev.quantumliquid.train.layers;

import java.util.SplittableRandom;

/** Initialisation schemes (torch / ncps defaults), drawn from one seeded generator in a fixed order. */
final class Init {
    private Init() {
    }

    static double[] uniform(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    /** torch.nn.init.xavier_uniform_ for a [out][in] matrix. */
    static double[] xavier(SplittableRandom r, int out, int in) {
        double a = Math.sqrt(6.0 / (in + out));
        return uniform(r, out * in, -a, a);
    }

    /** torch.nn.Linear's default bias: U(-1/sqrt(in), 1/sqrt(in)). */
    static double[] linearBias(SplittableRandom r, int out, int in) {
        double a = 1.0 / Math.sqrt(in);
        return uniform(r, out, -a, a);
    }

    static double[] constant(int n, double c) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, c);
        return v;
    }
}
