package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.kernel.SynapseList;

/** C forms shared by the liquid layers' {@code writeC}. */
final class LiquidC {
    private LiquidC() {
    }

    /**
     * num[j], den[j] = sums over the present synapses into neuron j of a*erev and a, with
     * a = w * sigmoid(sigma * (v[pre] - mu)): {@code Kernels.synapseCurrents} with only present synapses.
     */
    static void synapses(CSource c, String name, SynapseList list, String v, String num, String den) {
        SynapseList.Present p = list.present();
        String start = c.indices(name + "_start", p.start());
        String pre = c.indices(name + "_pre", p.pre());
        String sg = c.floats(name + "_sigma", p.sigma());
        String mu = c.floats(name + "_mu", p.mu());
        String w = c.floats(name + "_w", p.weight());
        String e = c.floats(name + "_erev", p.erev());
        c.line("for (int j = 0; j < %d; j++) {", list.posts());
        c.line("float ns = 0.0f;");
        c.line("float ds = 0.0f;");
        c.line("for (int k = %s[j]; k < %s[j + 1]; k++) {", start, start);
        c.line("float a = %s[k] * sigmoidf(%s[k] * (%s[%s[k]] - %s[k]));", w, sg, v, pre, mu);
        c.line("ds += a;");
        c.line("ns += a * %s[k];", e);
        c.line("}");
        c.line("%s[j] = ns;", num);
        c.line("%s[j] = ds;", den);
        c.line("}");
    }

    /**
     * out[r] = bias[r] + sum over the kept entries of row r of w[r][col] * in[col], for a row-major
     * [rows][cols] matrix and mask: only kept entries are written (as {@code SparseMatrix}).
     */
    static void sparseRows(CSource c, String name, double[] w, double[] keep, double[] bias, int rows, int cols,
            String in, String out) {
        int nz = 0;
        for (double k : keep) {
            nz += k != 0.0 ? 1 : 0;
        }
        int[] start = new int[rows + 1];
        int[] col = new int[nz];
        float[] val = new float[nz];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                if (keep[r * cols + k] != 0.0) {
                    col[p] = k;
                    val[p++] = (float) w[r * cols + k];
                }
            }
            start[r + 1] = p;
        }
        String st = c.indices(name + "_start", start);
        String cn = c.indices(name + "_col", col);
        String vn = c.floats(name + "_val", val);
        String bn = c.floats(name + "_b", LiquidMath.floats(bias));
        c.line("for (int r = 0; r < %d; r++) {", rows);
        c.line("float s = %s[r];", bn);
        c.line("for (int k = %s[r]; k < %s[r + 1]; k++) {", st, st);
        c.line("s += %s[k] * %s[%s[k]];", vn, in, cn);
        c.line("}");
        c.line("%s[r] = s;", out);
        c.line("}");
    }
}
