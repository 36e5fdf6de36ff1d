package dev.quantumliquid.train.kernel;

import dev.quantumliquid.engine.kernel.KernelMath;

/**
 * The reference twin of {@link LtcLoops}: plain loops, one sample at a time, Math.exp and Math.tanh,
 * every sum in the tape's order. Sample b accumulates into lane {@code b % LANES}.
 */
final class ScalarLtcLoops implements LtcLoops {
    @Override
    public void synForward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] wn, double[] wd, double[] act, int actOff) {
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < bp; b++) {
                double sn = 0.0;
                double sd = 0.0;
                for (int e = start[j]; e < start[j + 1]; e++) {
                    double s = KernelMath.sigmoid(sig[e] * (src[off + pre[e] * bp + b] - mu[e]));
                    if (act != null) {
                        act[actOff + e * bp + b] = s;
                    }
                    double a = fw[e] * s;
                    sn += a * erev[e];
                    sd += a;
                }
                wn[j * bp + b] = sn;
                wd[j * bp + b] = sd;
            }
        }
    }

    @Override
    public void synBackward(int n, int bp, int[] start, int[] pre, double[] sig, double[] mu, double[] fw, double[] erev,
            double[] src, int off, double[] act, int actOff, double[] dwn, double[] dwd, double[] dsrc, double[] gErev,
            double[] gFw, double[] gSig, double[] gMu) {
        for (int j = 0; j < n; j++) {
            for (int e = start[j]; e < start[j + 1]; e++) {
                int i = pre[e] * bp;
                for (int b = 0; b < bp; b++) {
                    double d = src[off + i + b] - mu[e];
                    double s = act != null ? act[actOff + e * bp + b] : KernelMath.sigmoid(sig[e] * d);
                    double a = fw[e] * s;
                    double gn = dwn[j * bp + b];
                    double da = gn * erev[e] + dwd[j * bp + b];
                    double dz = da * fw[e] * (s * (1.0 - s));
                    int l = e * LANES + b % LANES;
                    gErev[l] += gn * a;
                    gFw[l] += da * s;
                    gSig[l] += dz * d;
                    gMu[l] -= dz * sig[e];
                    dsrc[i + b] += dz * sig[e];
                }
            }
        }
    }

    @Override
    public void combine(int n, int bp, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt, double[] gv,
            double[] denC, double[] wn, double[] wd, double[] ns, double[] ds, double eps) {
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < bp; b++) {
                int q = j * bp + b;
                double num = (cmt[q] * v[vOff + q] + gv[j]) + (wn[q] + ns[q]);
                double d = (denC[q] + (wd[q] + ds[q])) + eps;
                v[nextOff + q] = num / d;
                den[denOff + q] = d;
            }
        }
    }

    @Override
    public void uncombine(int n, int bp, double[] g, double[] v, int vOff, int nextOff, double[] den, int denOff, double[] cmt,
            double[] idtk, double[] dnum, double[] dD, double[] dv, double[] accNum, double[] accD, double[] accCm,
            double[] dns, double[] dds) {
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < bp; b++) {
                int q = j * bp + b;
                double gn = g[q] / den[denOff + q];
                double gd = -gn * v[nextOff + q];
                dnum[q] = gn;
                dD[q] = gd;
                dv[q] = gn * cmt[q];
                accNum[q] += gn;
                accD[q] += gd;
                accCm[q] += (gn * v[vOff + q] + gd) * idtk[b];
                dns[q] += gn;
                dds[q] += gd;
            }
        }
    }

    @Override
    public void lstmForward(int n, int in, int bp, double[] p, int wi, int bi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] c, int cOff, double[] pre, double[] gates, int gOff, double[] cOut, double[] tcOut, int outOff,
            double[] hOut, int hOutOff) {
        for (int r = 0; r < 4 * n; r++) {
            for (int b = 0; b < bp; b++) {
                double zi = 0.0;
                for (int k = 0; k < in; k++) {
                    zi += p[wi + r * in + k] * x[xOff + k * bp + b];
                }
                double zr = 0.0;
                for (int k = 0; k < n; k++) {
                    zr += p[wr + r * n + k] * h[hOff + k * bp + b];
                }
                pre[r * bp + b] = (zi + p[bi + r]) + (zr + 0.0);
            }
        }
        for (int k = 0; k < n; k++) {
            for (int b = 0; b < bp; b++) {
                double i = Math.tanh(pre[k * bp + b]);
                double ig = KernelMath.sigmoid(pre[(n + k) * bp + b]);
                double fg = KernelMath.sigmoid(pre[(2 * n + k) * bp + b] + 1.0);
                double og = KernelMath.sigmoid(pre[(3 * n + k) * bp + b]);
                double cn = c[cOff + k * bp + b] * fg + i * ig;
                double tc = Math.tanh(cn);
                gates[gOff + k * bp + b] = i;
                gates[gOff + (n + k) * bp + b] = ig;
                gates[gOff + (2 * n + k) * bp + b] = fg;
                gates[gOff + (3 * n + k) * bp + b] = og;
                cOut[outOff + k * bp + b] = cn;
                tcOut[outOff + k * bp + b] = tc;
                hOut[hOutOff + k * bp + b] = tc * og;
            }
        }
    }

    @Override
    public void lstmBackward(int n, int in, int bp, double[] p, int wi, int wr, double[] x, int xOff, double[] h, int hOff,
            double[] cPrev, int cOff, double[] gates, int gOff, double[] tc, int tcOff, double[] dh, double[] dc,
            double[] dpre, double[] dhOut, double[] dx, double[] gWi, double[] gBi, double[] gWr) {
        for (int k = 0; k < n; k++) {
            for (int b = 0; b < bp; b++) {
                int q = k * bp + b;
                double i = gates[gOff + q];
                double ig = gates[gOff + (n + k) * bp + b];
                double fg = gates[gOff + (2 * n + k) * bp + b];
                double og = gates[gOff + (3 * n + k) * bp + b];
                double t = tc[tcOff + q];
                double dog = dh[q] * t;
                double dcn = dc[q] + dh[q] * og * (1.0 - t * t);
                double di = dcn * ig;
                double dig = dcn * i;
                double dfg = dcn * cPrev[cOff + q];
                dc[q] = dcn * fg;
                dpre[q] = di * (1.0 - i * i);
                dpre[(n + k) * bp + b] = dig * (ig * (1.0 - ig));
                dpre[(2 * n + k) * bp + b] = dfg * (fg * (1.0 - fg));
                dpre[(3 * n + k) * bp + b] = dog * (og * (1.0 - og));
            }
        }
        java.util.Arrays.fill(dhOut, 0, n * bp, 0.0);
        for (int r = 0; r < 4 * n; r++) {
            for (int b = 0; b < bp; b++) {
                double d = dpre[r * bp + b];
                int l = b % LANES;
                gBi[r * LANES + l] += d;
                for (int k = 0; k < in; k++) {
                    gWi[(r * in + k) * LANES + l] += d * x[xOff + k * bp + b];
                    dx[k * bp + b] += d * p[wi + r * in + k];
                }
                for (int k = 0; k < n; k++) {
                    gWr[(r * n + k) * LANES + l] += d * h[hOff + k * bp + b];
                    dhOut[k * bp + b] += d * p[wr + r * n + k];
                }
            }
        }
    }
}
