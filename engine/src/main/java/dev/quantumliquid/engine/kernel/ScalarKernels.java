package dev.quantumliquid.engine.kernel;

/** Plain-loop float32 kernels: the reference the vectorised twin is tested against. */
final class ScalarKernels implements Kernels {
    @Override
    public void matVec(float[] w, float[] bias, float[] x, int xOff, int rows, int cols, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                s += w[base + c] * x[xOff + c];
            }
            y[yOff + r] = s + bias[r];
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void matVec(PackedMatrix m, float[] x, int xOff, float[] y, int yOff) {
        for (int r = 0; r < m.paddedRows(); r++) {
            float s = m.bias[r];
            for (int c = 0; c < m.cols; c++) {
                s += m.data[m.index(r, c)] * x[xOff + c];
            }
            y[yOff + r] = s;
        }
    }

    @Override
    public void matVecTanh(PackedMatrix m, float[] x, int xOff, float[] y, int yOff, float inner, float outer) {
        matVec(m, x, xOff, y, yOff);
        tanh(y, yOff, m.paddedRows(), inner, outer);
    }

    @Override
    public void cfcHeads(PackedHeads m, float[] z, int zOff, float dt, boolean noGate, float[] scratch, float[] h,
            int hOff) {
        int lanes = PackedMatrix.LANES;
        boolean unit = m.heads == 3; // the gate's pre-activation is the third head (dt = 1 folded in)
        for (int u = 0; u < m.blocks; u++) {
            for (int l = 0; l < lanes; l++) {
                float ta = head(m, u, 2, l, z, zOff);
                float pre = unit ? ta : ta * dt + head(m, u, 3, l, z, zOff);
                h[hOff + u * lanes + l] = gate(head(m, u, 0, l, z, zOff), head(m, u, 1, l, z, zOff), pre, noGate);
            }
        }
        if (m.restInTile) {
            int r = m.rest;
            for (int k = 0; k < m.heads; k++) {
                for (int j = 0; j < r; j++) {
                    float s = m.bias[m.blocks * lanes * m.heads + k * r + j];
                    for (int c = 0; c < m.cols; c++) {
                        s += m.data[m.restIndex(k, j, c)] * z[zOff + c];
                    }
                    scratch[k * r + j] = s;
                }
            }
            for (int j = 0; j < r; j++) {
                float pre = unit ? scratch[2 * r + j] : scratch[2 * r + j] * dt + scratch[3 * r + j];
                h[hOff + m.blocks * lanes + j] = gate(scratch[j], scratch[r + j], pre, noGate);
            }
        } else if (m.tail != null) {
            matVec(m.tail, z, zOff, scratch, 0);
            int r = m.rest;
            for (int j = 0; j < r; j++) {
                float pre = unit ? scratch[2 * r + j] : scratch[2 * r + j] * dt + scratch[3 * r + j];
                h[hOff + m.blocks * lanes + j] = gate(scratch[j], scratch[r + j], pre, noGate);
            }
        }
    }

    /** Pre-activation of head k for unit l of full block u. */
    private static float head(PackedHeads m, int u, int k, int l, float[] z, int zOff) {
        int lanes = PackedMatrix.LANES;
        float s = m.bias[(u * m.heads + k) * lanes + l];
        for (int c = 0; c < m.cols; c++) {
            s += m.data[m.index(u, k, l, c)] * z[zOff + c];
        }
        return s;
    }

    /** ff1, ff2 pre-activations and the gate's pre-activation ta * dt + tb. */
    private static float gate(float ff1, float ff2, float pre, boolean noGate) {
        float f1 = (float) Math.tanh(ff1);
        float f2 = (float) Math.tanh(ff2);
        float g = KernelMath.sigmoid(pre);
        return noGate ? f1 + g * f2 : f1 * (1f - g) + g * f2;
    }

    @Override
    public void matVec(SparseMatrix m, float[] x, int xOff, float[] y, int yOff) {
        for (int r = 0; r < m.rows; r++) {
            float s = m.bias[r];
            for (int p = m.start[r]; p < m.start[r + 1]; p++) {
                s += m.val[p] * x[xOff + m.col[p]];
            }
            y[yOff + r] = s;
        }
    }

    @Override
    public void synapseCurrents(SynapseList s, float[] v, float[] scratch, float[] num, float[] den) {
        for (int k = 0; k < s.count; k++) {
            float a = s.weight[k] * KernelMath.sigmoid(s.sigma[k] * (v[s.pre[k]] - s.mu[k]));
            scratch[k] = a;
            scratch[s.padded + k] = a * s.erev[k];
        }
        segmentSums(s, scratch, num, den);
    }

    @Override
    public void synapseCurrentsLanes(SynapseList s, float[] v, float[] num, float[] den, int lanes) {
        for (int j = 0; j < s.posts; j++) {
            int o = j * lanes;
            for (int l = 0; l < lanes; l++) {
                num[o + l] = 0f;
                den[o + l] = 0f;
            }
            for (int k = s.start[j]; k < s.start[j + 1]; k++) {
                int p = s.pre[k] * lanes;
                for (int l = 0; l < lanes; l++) {
                    float a = s.weight[k] * KernelMath.sigmoid(s.sigma[k] * (v[p + l] - s.mu[k]));
                    den[o + l] += a;
                    num[o + l] += a * s.erev[k];
                }
            }
        }
    }

    @Override
    public void matVecLanes(float[] w, float[] bias, float[] x, int rows, int cols, float[] y, int lanes) {
        for (int r = 0; r < rows; r++) {
            int o = r * lanes;
            for (int l = 0; l < lanes; l++) {
                y[o + l] = bias[r];
            }
            for (int c = 0; c < cols; c++) {
                float wc = w[r * cols + c];
                for (int l = 0; l < lanes; l++) {
                    y[o + l] += wc * x[c * lanes + l];
                }
            }
        }
    }

    static void segmentSums(SynapseList s, float[] scratch, float[] num, float[] den) {
        int off = s.padded;
        for (int j = 0; j < s.posts; j++) {
            float n = 0f;
            float d = 0f;
            for (int k = s.start[j]; k < s.start[j + 1]; k++) {
                d += scratch[k];
                n += scratch[off + k];
            }
            num[j] = n;
            den[j] = d;
        }
    }

    @Override
    public void ltcUpdate(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n) {
        for (int j = 0; j < n; j++) {
            v[j] = (cmt[j] * v[j] + numBase[j] + num[j]) / (denBase[j] + den[j]);
        }
    }

    @Override
    public void ltcUpdateLanes(float[] v, float[] cmt, float[] numBase, float[] denBase, float[] num, float[] den, int n,
            int lanes) {
        ltcUpdate(v, cmt, numBase, denBase, num, den, n * lanes);
    }

    @Override
    public void tanh(float[] a, int off, int n, float inner, float outer) {
        for (int i = off; i < off + n; i++) {
            a[i] = outer * (float) Math.tanh(inner * a[i]);
        }
    }

    @Override
    public void silu(float[] a, int off, int n, float[] scratch) {
        for (int i = off; i < off + n; i++) {
            a[i] = a[i] * KernelMath.sigmoid(a[i]);
        }
    }

    @Override
    public void relu(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }

    @Override
    public void cfcGate(float[] heads, int n, float dt, boolean noGate, float[] h, int hOff) {
        for (int i = 0; i < n; i++) {
            h[hOff + i] = gate(heads[i], heads[n + i], heads[2 * n + i] * dt + heads[3 * n + i], noGate);
        }
    }

    @Override
    public void cfcPure(float[] ff1, float[] absTau, float[] a, int n, float dt, float[] h, int hOff) {
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(-dt * (absTau[i] + Math.abs(ff1[i])));
            h[hOff + i] = -a[i] * e * ff1[i] + a[i];
        }
    }

    @Override
    public void lstmGates(float[] z, int n, float[] c, int cOff, float[] h, int hOff) {
        for (int k = 0; k < n; k++) {
            float in = (float) Math.tanh(z[k]);
            float ig = KernelMath.sigmoid(z[n + k]);
            float fg = KernelMath.sigmoid(z[2 * n + k] + 1f);
            float og = KernelMath.sigmoid(z[3 * n + k]);
            float cn = c[cOff + k] * fg + in * ig;
            c[cOff + k] = cn;
            h[hOff + k] = (float) Math.tanh(cn) * og;
        }
    }
}
