package dev.quantumliquid.train.grad;

import dev.quantumliquid.engine.kernel.KernelMath;
import java.util.Arrays;
import org.apache.commons.numbers.gamma.Erf;

/**
 * Reverse-mode automatic differentiation in float64 on a flat tape: every node records its value and,
 * as edges, its parents with the local partial derivatives computed during the forward pass, so the
 * forward pass stores every intermediate of every time step (backpropagation through time) and
 * {@link #backward} is one reverse sweep. One tape per thread; {@link #reset} reuses its memory.
 */
public final class Tape {
    private double[] val = new double[1 << 12];     // [nodes] forward values
    private int[] edgeEnd = new int[1 << 12];       // [nodes] end (exclusive) of the node's edges
    private int[] parent = new int[1 << 14];        // [edges] parent node
    private double[] partial = new double[1 << 14]; // [edges] d node / d parent
    private int nodes;
    private int edges;
    private double[] adj = new double[0];           // [nodes] adjoints of the last backward sweep

    /** Forgets every node (keeps the memory). */
    public void reset() {
        nodes = 0;
        edges = 0;
    }

    public int size() {
        return nodes;
    }

    public double value(int node) {
        return val[node];
    }

    private int node(double v) {
        if (nodes == val.length) {
            int n = Math.multiplyExact(val.length, 2);
            val = Arrays.copyOf(val, n);
            edgeEnd = Arrays.copyOf(edgeEnd, n);
        }
        val[nodes] = v;
        edgeEnd[nodes] = edges;
        return nodes++;
    }

    private void edge(int from, double d) {
        if (edges == parent.length) {
            int n = Math.multiplyExact(parent.length, 2);
            parent = Arrays.copyOf(parent, n);
            partial = Arrays.copyOf(partial, n);
        }
        parent[edges] = from;
        partial[edges] = d;
        edges++;
        edgeEnd[nodes - 1] = edges;
    }

    /** A leaf: a parameter or a constant input (its adjoint is its gradient). */
    public int leaf(double v) {
        return node(v);
    }

    public int unary(double v, int a, double da) {
        int n = node(v);
        edge(a, da);
        return n;
    }

    public int binary(double v, int a, double da, int b, double db) {
        int n = node(v);
        edge(a, da);
        edge(b, db);
        return n;
    }

    public int add(int a, int b) {
        return binary(val[a] + val[b], a, 1.0, b, 1.0);
    }

    public int sub(int a, int b) {
        return binary(val[a] - val[b], a, 1.0, b, -1.0);
    }

    public int mul(int a, int b) {
        return binary(val[a] * val[b], a, val[b], b, val[a]);
    }

    public int div(int a, int b) {
        double q = val[a] / val[b];
        return binary(q, a, 1.0 / val[b], b, -q / val[b]);
    }

    /** a * c for a constant c. */
    public int scale(int a, double c) {
        return unary(val[a] * c, a, c);
    }

    /** a / c for a constant c. */
    public int divConst(int a, double c) {
        return unary(val[a] / c, a, 1.0 / c);
    }

    /** a + c for a constant c. */
    public int shift(int a, double c) {
        return unary(val[a] + c, a, 1.0);
    }

    /** c0*a + c1*b for constants c0, c1. */
    public int lin(double c0, int a, double c1, int b) {
        return binary(c0 * val[a] + c1 * val[b], a, c0, b, c1);
    }

    public int tanh(int a) {
        double t = Math.tanh(val[a]);
        return unary(t, a, 1.0 - t * t);
    }

    public int sigmoid(int a) {
        double s = KernelMath.sigmoid(val[a]);
        return unary(s, a, s * (1.0 - s));
    }

    public int exp(int a) {
        double e = Math.exp(val[a]);
        return unary(e, a, e);
    }

    public int abs(int a) {
        double v = val[a];
        return unary(Math.abs(v), a, v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
    }

    public int atan(int a) {
        double v = val[a];
        return unary(Math.atan(v), a, 1.0 / (1.0 + v * v));
    }

    public int sin(int a) {
        return unary(Math.sin(val[a]), a, Math.cos(val[a]));
    }

    public int cos(int a) {
        return unary(Math.cos(val[a]), a, -Math.sin(val[a]));
    }

    public int square(int a) {
        return unary(val[a] * val[a], a, 2 * val[a]);
    }

    /** torch.nn.Softplus (beta 1, threshold 20). */
    public int softplus(int a) {
        double z = val[a];
        if (z > 20.0) {
            return unary(z, a, 1.0);
        }
        return unary(KernelMath.softplus(z), a, KernelMath.sigmoid(z));
    }

    public int relu(int a) {
        return val[a] > 0 ? unary(val[a], a, 1.0) : unary(0.0, a, 0.0);
    }

    /** 1.7159 * tanh(0.666 z). */
    public int lecunTanh(int a) {
        double t = Math.tanh(0.666 * val[a]);
        return unary(1.7159 * t, a, 1.7159 * 0.666 * (1.0 - t * t));
    }

    public int silu(int a) {
        double z = val[a];
        double s = KernelMath.sigmoid(z);
        return unary(z * s, a, s * (1.0 + z * (1.0 - s)));
    }

    /** Exact GELU 0.5 z (1 + erf(z / sqrt 2)). */
    public int gelu(int a) {
        double z = val[a];
        double cdf = 0.5 * (1.0 + Erf.value(z / Math.sqrt(2.0)));
        double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2.0 * Math.PI);
        return unary(z * cdf, a, cdf + z * pdf);
    }

    /** sum_k a[k] * b[k] (k < n), accumulated left to right from 0. */
    public int dot(int[] a, int[] b, int n) {
        double s = 0.0;
        for (int k = 0; k < n; k++) {
            s += val[a[k]] * val[b[k]];
        }
        int r = node(s);
        for (int k = 0; k < n; k++) {
            edge(a[k], val[b[k]]);
            edge(b[k], val[a[k]]);
        }
        return r;
    }

    /**
     * A row of a matrix-vector product plus bias: sum_c w[c] x[c] + bias, with the weights the
     * consecutive nodes wBase.. (a parameter block); entries whose mask is 0 are left out.
     */
    public int affine(int wBase, int[] x, int xOff, int n, int bias, double[] mask, int maskOff) {
        double s = 0.0;
        for (int c = 0; c < n; c++) {
            if (mask == null || mask[maskOff + c] != 0.0) {
                s += val[wBase + c] * val[x[xOff + c]];
            }
        }
        int r = node(s + val[bias]);
        for (int c = 0; c < n; c++) {
            if (mask == null || mask[maskOff + c] != 0.0) {
                edge(wBase + c, val[x[xOff + c]]);
                edge(x[xOff + c], val[wBase + c]);
            }
        }
        edge(bias, 1.0);
        return r;
    }

    /** sum_k c[k] * a[k] for constant coefficients. */
    public int linear(double[] c, int[] a, int n) {
        double s = 0.0;
        for (int k = 0; k < n; k++) {
            s += c[k] * val[a[k]];
        }
        int r = node(s);
        for (int k = 0; k < n; k++) {
            edge(a[k], c[k]);
        }
        return r;
    }

    /** sum_k a[k]. */
    public int sum(int[] a, int n) {
        double s = 0.0;
        for (int k = 0; k < n; k++) {
            s += val[a[k]];
        }
        int r = node(s);
        for (int k = 0; k < n; k++) {
            edge(a[k], 1.0);
        }
        return r;
    }

    /**
     * One reverse sweep seeded with d loss / d outputs[k] = seeds[k]; afterwards {@link #grad} reads
     * the adjoint (d loss / d node) of any node.
     */
    public void backward(int[] outputs, double[] seeds, int n) {
        if (adj.length < nodes) {
            adj = new double[Math.max(nodes, adj.length * 2)];
        }
        Arrays.fill(adj, 0, nodes, 0.0);
        for (int k = 0; k < n; k++) {
            adj[outputs[k]] += seeds[k];
        }
        for (int v = nodes - 1; v >= 0; v--) {
            double g = adj[v];
            if (g == 0.0) {
                continue;
            }
            int from = v == 0 ? 0 : edgeEnd[v - 1];
            for (int e = from; e < edgeEnd[v]; e++) {
                adj[parent[e]] += partial[e] * g;
            }
        }
    }

    public double grad(int node) {
        return adj[node];
    }
}
