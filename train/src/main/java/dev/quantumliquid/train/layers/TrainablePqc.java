package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.grad.Tape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trainable {@code pqc} (spec section 4), differentiated exactly through the simulation on the tape:
 * statevector while the state is pure, the density matrix rho = psi psi^dagger from the first
 * dephasing channel on. Wire 0 is the most significant bit.
 */
public final class TrainablePqc implements TrainableLayer {
    public static final int MAX_QUBITS = 8;
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private final String name;
    private final int in, q, layers;
    private final double dephasing;
    private final Params p = new Params();
    private final int w, bias, rot; // [q][in], [q], [layers][q][3]

    private TrainablePqc(String name, int in, int q, int layers, double dephasing, double[] wv, double[] bv, double[] rv) {
        if (q < 1 || q > MAX_QUBITS) {
            throw new TrainException(name + ": qubits must be in 1.." + MAX_QUBITS + ", got " + q);
        }
        if (!(dephasing >= 0 && dephasing <= 1)) {
            throw new TrainException(name + ": dephasing must be in [0, 1], got " + dephasing);
        }
        this.name = name;
        this.in = in;
        this.q = q;
        this.layers = layers;
        this.dephasing = dephasing;
        this.w = p.add("input_proj.weight", new int[] {q, in}, wv);
        this.bias = p.add("input_proj.bias", new int[] {q}, bv);
        this.rot = p.add("rotations", new int[] {layers, q, 3}, rv);
    }

    /** Xavier-uniform projection with U(+-1/sqrt(in)) bias (as the dense layers), rotations U(0, 2 pi) as PennyLane's TorchLayer does. */
    public static TrainablePqc create(String name, int in, int qubits, int layers, double dephasing, SplittableRandom r) {
        return new TrainablePqc(name, in, qubits, layers, dephasing, Init.xavier(r, qubits, in), Init.linearBias(r, qubits, in),
                Init.uniform(r, layers * qubits * 3, 0, 2 * Math.PI));
    }

    static TrainablePqc of(ObjectNode json, List<Tensor> tensors) {
        String name = json.get("name").asText();
        for (String[] f : new String[][] {{"encoding", "qlstm_angle"}, {"entangler", "cnot_ring"}, {"readout", "pauli_z"}}) {
            String v = json.path(f[0]).asText(f[1]);
            if (!v.equals(f[1])) {
                throw new TrainException(name + ": pqc " + f[0] + " '" + v + "' is not trainable (only " + f[1] + ")");
            }
        }
        int in = json.get("input_size").asInt();
        int q = json.get("n_qubits").asInt();
        int l = json.get("layers").asInt();
        Map<String, Tensor> m = Params.byName(tensors);
        return new TrainablePqc(name, in, q, l, json.path("dephasing").asDouble(0.0), Params.from(m, "input_proj.weight", q * in, name),
                Params.from(m, "input_proj.bias", q, name), Params.from(m, "rotations", l * q * 3, name));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return q;
    }

    @Override
    public int stateSize() {
        return 0;
    }

    @Override
    public double[] params() {
        return p.values();
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "pqc").put("name", name).put("input_size", in).put("n_qubits", q).put("layers", layers)
                .put("encoding", "qlstm_angle").put("entangler", "cnot_ring").put("readout", "pauli_z")
                .put("dephasing", dephasing);
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    /** A state on the tape: re/im node ids of 2^q amplitudes, or of the dim x dim density matrix (row-major). */
    private final class State {
        final Tape t;
        final int dim = 1 << q;
        int[] re;
        int[] im;
        boolean mixed;

        State(Tape t, int zero, int one) {
            this.t = t;
            re = new int[dim];
            im = new int[dim];
            java.util.Arrays.fill(re, zero);
            java.util.Arrays.fill(im, zero);
            re[0] = one;
        }

        /** Applies [[a, b], [c, d]] with real/imag parts given as nodes (-1 = zero) to amplitude pairs. */
        void gate(int wire, int[] g) {
            int mask = 1 << (q - 1 - wire);
            if (!mixed) {
                for (int i = 0; i < dim; i++) {
                    if ((i & mask) == 0) {
                        pair(g, re, im, i, i | mask);
                    }
                }
                return;
            }
            for (int col = 0; col < dim; col++) { // U on the row index
                for (int i = 0; i < dim; i++) {
                    if ((i & mask) == 0) {
                        pair(g, re, im, i * dim + col, (i | mask) * dim + col);
                    }
                }
            }
            int[] gc = conj(g);
            for (int row = 0; row < dim; row++) { // conj(U) on the column index
                for (int i = 0; i < dim; i++) {
                    if ((i & mask) == 0) {
                        pair(gc, re, im, row * dim + i, row * dim + (i | mask));
                    }
                }
            }
        }

        private int[] conj(int[] g) {
            int[] c = g.clone();
            for (int k = 1; k < 8; k += 2) {
                c[k] = g[k] < 0 ? -1 : t.scale(g[k], -1.0);
            }
            return c;
        }

        /** (x0, x1) <- G (x0, x1) for complex x; g = {ar, ai, br, bi, cr, ci, dr, di}. */
        private void pair(int[] g, int[] re, int[] im, int i, int j) {
            int r0 = cmul(g[0], g[1], re[i], im[i], g[2], g[3], re[j], im[j], true);
            int i0 = cmul(g[0], g[1], re[i], im[i], g[2], g[3], re[j], im[j], false);
            int r1 = cmul(g[4], g[5], re[i], im[i], g[6], g[7], re[j], im[j], true);
            int i1 = cmul(g[4], g[5], re[i], im[i], g[6], g[7], re[j], im[j], false);
            re[i] = r0;
            im[i] = i0;
            re[j] = r1;
            im[j] = i1;
        }

        /** Real (or imaginary) part of (ar + i ai)(xr + i xi) + (br + i bi)(yr + i yi); -1 gate entries are zero. */
        private int cmul(int ar, int ai, int xr, int xi, int br, int bi, int yr, int yi, boolean real) {
            int[] a = new int[8];
            int[] b = new int[8];
            int n = 0;
            int[][] terms = real
                    ? new int[][] {{ar, xr, 1}, {ai, xi, -1}, {br, yr, 1}, {bi, yi, -1}}
                    : new int[][] {{ar, xi, 1}, {ai, xr, 1}, {br, yi, 1}, {bi, yr, 1}};
            for (int[] term : terms) {
                if (term[0] >= 0) {
                    a[n] = term[2] > 0 ? term[0] : t.scale(term[0], -1.0);
                    b[n++] = term[1];
                }
            }
            return t.dot(a, b, n);
        }

        void cnot(int control, int target) {
            int cm = 1 << (q - 1 - control);
            int tm = 1 << (q - 1 - target);
            if (!mixed) {
                for (int i = 0; i < dim; i++) {
                    if ((i & cm) != 0 && (i & tm) == 0) {
                        swap(re, i, i | tm);
                        swap(im, i, i | tm);
                    }
                }
                return;
            }
            for (int i = 0; i < dim; i++) {
                if ((i & cm) != 0 && (i & tm) == 0) {
                    for (int col = 0; col < dim; col++) {
                        swap(re, i * dim + col, (i | tm) * dim + col);
                        swap(im, i * dim + col, (i | tm) * dim + col);
                    }
                }
            }
            for (int row = 0; row < dim; row++) {
                for (int i = 0; i < dim; i++) {
                    if ((i & cm) != 0 && (i & tm) == 0) {
                        swap(re, row * dim + i, row * dim + (i | tm));
                        swap(im, row * dim + i, row * dim + (i | tm));
                    }
                }
            }
        }

        /** rho <- (1-p) rho + p Z rho Z: entries whose row and column differ on the wire scale by 1 - 2p. */
        void dephase(int wire, double pr) {
            if (!mixed) {
                int[] r2 = new int[dim * dim];
                int[] i2 = new int[dim * dim];
                for (int i = 0; i < dim; i++) {
                    for (int j = 0; j < dim; j++) { // psi_i conj(psi_j)
                        r2[i * dim + j] = t.dot(new int[] {re[i], im[i]}, new int[] {re[j], im[j]}, 2);
                        i2[i * dim + j] = t.sub(t.mul(im[i], re[j]), t.mul(re[i], im[j]));
                    }
                }
                re = r2;
                im = i2;
                mixed = true;
            }
            int mask = 1 << (q - 1 - wire);
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    if ((i & mask) != (j & mask)) {
                        re[i * dim + j] = t.scale(re[i * dim + j], 1.0 - 2.0 * pr);
                        im[i * dim + j] = t.scale(im[i * dim + j], 1.0 - 2.0 * pr);
                    }
                }
            }
        }

        int[] readout() {
            int[] y = new int[q];
            int[] probs = new int[dim];
            for (int k = 0; k < dim; k++) {
                probs[k] = mixed ? re[k * dim + k] : t.add(t.square(re[k]), t.square(im[k]));
            }
            double[] sign = new double[dim];
            for (int wire = 0; wire < q; wire++) {
                for (int k = 0; k < dim; k++) {
                    sign[k] = ((k >> (q - 1 - wire)) & 1) == 0 ? 1.0 : -1.0;
                }
                y[wire] = t.linear(sign, probs, dim);
            }
            return y;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int x = a[i];
        a[i] = a[j];
        a[j] = x;
    }

    /** RY(theta) = [[c, -s], [s, c]] with c = cos(theta/2), s = sin(theta/2). */
    private static int[] ry(Tape t, int theta) {
        int half = t.scale(theta, 0.5);
        int c = t.cos(half);
        int s = t.sin(half);
        return new int[] {c, -1, t.scale(s, -1.0), -1, s, -1, c, -1};
    }

    /** RZ(theta) = diag(c - i s, c + i s). */
    private static int[] rz(Tape t, int theta) {
        int half = t.scale(theta, 0.5);
        int c = t.cos(half);
        int s = t.sin(half);
        return new int[] {c, t.scale(s, -1.0), -1, -1, -1, -1, c, s};
    }

    @Override
    public Run begin(Tape t, int b) {
        int zero = t.leaf(0.0);
        int one = t.leaf(1.0);
        int h = t.leaf(INV_SQRT2);
        int hn = t.leaf(-INV_SQRT2);
        int[] hadamard = {h, -1, h, -1, h, -1, hn, -1};
        return (x, state, dt) -> {
            State st = new State(t, zero, one);
            for (int wire = 0; wire < q; wire++) {
                int u = t.affine(b + w + wire * in, x, 0, in, b + bias + wire, null, 0);
                st.gate(wire, hadamard);
                st.gate(wire, ry(t, t.atan(u)));
                st.gate(wire, rz(t, t.atan(t.square(u))));
            }
            for (int l = 0; l < layers; l++) {
                for (int wire = 0; wire < q; wire++) {
                    int r = b + rot + (l * q + wire) * 3;
                    st.gate(wire, rz(t, r));
                    st.gate(wire, ry(t, r + 1));
                    st.gate(wire, rz(t, r + 2));
                }
                if (q == 2) {
                    st.cnot(0, 1);
                } else if (q > 2) {
                    for (int wire = 0; wire < q; wire++) {
                        st.cnot(wire, (wire + 1) % q);
                    }
                }
                if (dephasing > 0) {
                    for (int wire = 0; wire < q; wire++) {
                        st.dephase(wire, dephasing);
                    }
                }
            }
            return st.readout();
        };
    }
}
