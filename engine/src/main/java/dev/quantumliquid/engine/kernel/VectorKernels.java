package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API float32 kernels: fma over full lanes, one reduceLanes, scalar tail. Transcendentals use
 * lanewise EXP/TANH, which the JIT maps to the platform's vector math library.
 */
final class VectorKernels implements Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            y[yOff + r] = dot(w, r * cols, x, xOff, cols) + bias[r];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < bound; i += L) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff) {
        int cols = m.cols;
        int cols4 = cols & ~3;
        float[] d = m.data;
        // Four accumulators over interleaved columns keep four independent fma chains in flight.
        for (int b = 0; b < m.blocks; b++) {
            int p = b * cols * L;
            FloatVector a0 = FloatVector.fromArray(S, m.bias, b * L);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int c = 0;
            for (; c < cols4; c += 4, p += 4 * L) {
                a0 = FloatVector.fromArray(S, d, p).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
                a1 = FloatVector.fromArray(S, d, p + L).fma(FloatVector.broadcast(S, x[xOff + c + 1]), a1);
                a2 = FloatVector.fromArray(S, d, p + 2 * L).fma(FloatVector.broadcast(S, x[xOff + c + 2]), a2);
                a3 = FloatVector.fromArray(S, d, p + 3 * L).fma(FloatVector.broadcast(S, x[xOff + c + 3]), a3);
            }
            for (; c < cols; c++, p += L) {
                a0 = FloatVector.fromArray(S, d, p).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
            }
            a0.add(a1).add(a2.add(a3)).intoArray(y, yOff + b * L);
        }
    }

    @Override
    public void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff) {
        // Rows of a wired layer are short (a few to a few dozen entries): gather full lanes, scalar tail.
        for (int r = 0; r < m.rows; r++) {
            int p = m.start[r];
            int end = m.start[r + 1];
            float s = m.bias[r];
            if (end - p >= L) {
                FloatVector acc = FloatVector.zero(S);
                for (; p + L <= end; p += L) {
                    acc = FloatVector.fromArray(S, m.val, p).fma(FloatVector.fromArray(S, x, xOff, m.col, p), acc);
                }
                s += acc.reduceLanes(VectorOperators.ADD);
            }
            for (; p < end; p++) {
                s += m.val[p] * x[xOff + m.col[p]];
            }
            y[yOff + r] = s;
        }
    }

    @Override
    public void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den) {
        int off = s.padded;
        for (int k = 0; k < s.padded; k += L) {
            FloatVector vp = FloatVector.fromArray(S, v, 0, s.pre, k);
            FloatVector z = vp.sub(FloatVector.fromArray(S, s.mu, k)).mul(FloatVector.fromArray(S, s.sigma, k));
            FloatVector a = FloatVector.fromArray(S, s.weight, k).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
            a.intoArray(scratch, k);
            a.mul(FloatVector.fromArray(S, s.erev, k)).intoArray(scratch, off + k);
        }
        ScalarKernels.segmentSums(s, scratch, num, den);
    }

    @Override
    public void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector cm = FloatVector.fromArray(S, cmt, j);
            FloatVector nu = cm.fma(FloatVector.fromArray(S, v, j), FloatVector.fromArray(S, numBase, j))
                    .add(FloatVector.fromArray(S, num, j));
            FloatVector de = FloatVector.fromArray(S, denBase, j).add(FloatVector.fromArray(S, den, j));
            nu.div(de).intoArray(v, j);
        }
        for (; j < n; j++) {
            v[j] = (cmt[j] * v[j] + numBase[j] + num[j]) / (denBase[j] + den[j]);
        }
    }

    @Override
    public void tanh(float[] a, int off, int n, float inner, float outer) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).mul(inner).lanewise(VectorOperators.TANH).mul(outer)
                    .intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = outer * (float) Math.tanh(inner * a[off + i]);
        }
    }

    @Override
    public void silu(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector z = FloatVector.fromArray(S, a, off + i);
            z.div(z.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            float z = a[off + i];
            a[off + i] = z / (1f + (float) Math.exp(-z));
        }
    }

    @Override
    public void relu(float[] a, int off, int n) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).max(0f).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] = Math.max(a[off + i], 0f);
        }
    }

    @Override
    public void cfcGate(float[] heads, int n, float dt, boolean noGate, float[] h, int hOff) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector ff1 = FloatVector.fromArray(S, heads, i).lanewise(VectorOperators.TANH);
            FloatVector ff2 = FloatVector.fromArray(S, heads, n + i).lanewise(VectorOperators.TANH);
            FloatVector t = FloatVector.fromArray(S, heads, 2 * n + i).fma(FloatVector.broadcast(S, dt), FloatVector.fromArray(S, heads, 3 * n + i));
            FloatVector g = sigmoid(t);
            FloatVector out = noGate ? g.fma(ff2, ff1) : ff1.sub(g.mul(ff1)).add(g.mul(ff2));
            out.intoArray(h, hOff + i);
        }
        for (; i < n; i++) {
            float ff1 = (float) Math.tanh(heads[i]);
            float ff2 = (float) Math.tanh(heads[n + i]);
            float g = 1f / (1f + (float) Math.exp(-(heads[2 * n + i] * dt + heads[3 * n + i])));
            h[hOff + i] = noGate ? ff1 + g * ff2 : ff1 * (1f - g) + g * ff2;
        }
    }

    @Override
    public void cfcPure(float[] ff1, float[] absTau, float[] a, int n, float dt, float[] h, int hOff) {
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector f = FloatVector.fromArray(S, ff1, i);
            FloatVector av = FloatVector.fromArray(S, a, i);
            FloatVector e = FloatVector.fromArray(S, absTau, i).add(f.abs()).mul(-dt).lanewise(VectorOperators.EXP);
            av.sub(av.mul(e).mul(f)).intoArray(h, hOff + i);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(-dt * (absTau[i] + Math.abs(ff1[i])));
            h[hOff + i] = -a[i] * e * ff1[i] + a[i];
        }
    }

    @Override
    public void lstmGates(float[] z, int n, float[] c, int cOff, float[] h, int hOff) {
        int bound = S.loopBound(n);
        int k = 0;
        for (; k < bound; k += L) {
            FloatVector in = FloatVector.fromArray(S, z, k).lanewise(VectorOperators.TANH);
            FloatVector ig = sigmoid(FloatVector.fromArray(S, z, n + k));
            FloatVector fg = sigmoid(FloatVector.fromArray(S, z, 2 * n + k).add(1f));
            FloatVector og = sigmoid(FloatVector.fromArray(S, z, 3 * n + k));
            FloatVector cn = FloatVector.fromArray(S, c, cOff + k).mul(fg).add(in.mul(ig));
            cn.intoArray(c, cOff + k);
            cn.lanewise(VectorOperators.TANH).mul(og).intoArray(h, hOff + k);
        }
        for (; k < n; k++) {
            float in = (float) Math.tanh(z[k]);
            float ig = 1f / (1f + (float) Math.exp(-z[n + k]));
            float fg = 1f / (1f + (float) Math.exp(-(z[2 * n + k] + 1f)));
            float og = 1f / (1f + (float) Math.exp(-z[3 * n + k]));
            float cn = c[cOff + k] * fg + in * ig;
            c[cOff + k] = cn;
            h[hOff + k] = (float) Math.tanh(cn) * og;
        }
    }

    private static FloatVector sigmoid(FloatVector z) {
        return FloatVector.broadcast(S, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }
}
