package dev.quantumliquid.engine.pruning;

import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.List;
import java.util.Optional;

/**
 * A stand-in for a wired liquid layer: y_j = tanh(sum_i mask_ij * w_ij * x_i), n inputs and n outputs,
 * synapses are the n x n mask entries (row-major, [pre i][post j]) and their magnitude is |w_ij|.
 */
final class FakeLiquidLayer implements Layer, Prunable {
    private final String name;
    private final int n;
    private final double[] w;     // [n][n]
    private final boolean[] mask; // [n][n]

    FakeLiquidLayer(String name, int n, double[] w, boolean[] mask) {
        this.name = name;
        this.n = n;
        this.w = w.clone();
        this.mask = mask.clone();
    }

    static FakeLiquidLayer dense(String name, int n, double... w) {
        boolean[] m = new boolean[n * n];
        java.util.Arrays.fill(m, true);
        return new FakeLiquidLayer(name, n, w, m);
    }

    boolean present(int i, int j) {
        return mask[i * n + j];
    }

    @Override
    public String name() {
        return name;
    }

    @Override

    public LayerKind kind() {

        return LayerKind.LTC;

    }


    @Override
    public String type() {
        return "fake-liquid";
    }

    @Override
    public int inputSize() {
        return n;
    }

    @Override
    public int outputSize() {
        return n;
    }

    @Override
    public int stateSize() {
        return 0;
    }

    @Override
    public Workspace newWorkspace() {
        return Workspace.NONE;
    }

    @Override
    public float step(float[] x, float[] y, float[] state, int stateOffset, float dt, Workspace ws) {
        double[] xd = new double[n];
        double[] yd = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = x[i];
        }
        stepReference(xd, yd, new double[0], 0, dt);
        for (int j = 0; j < n; j++) {
            y[j] = (float) yd[j];
        }
        return Float.NaN;
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                if (mask[i * n + j]) {
                    s += w[i * n + j] * x[i];
                }
            }
            y[j] = Math.tanh(s);
        }
        return Double.NaN;
    }

    @Override
    public OpCounts opsPerStep() {
        return new OpCounts(synapseCount().present(), n, 0, 0);
    }

    @Override
    public long parameterCount() {
        return synapseCount().present();
    }

    @Override
    public List<Tensor> tensors() {
        return List.of(Tensor.f64("w", new int[] {n, n}, w));
    }

    @Override
    public Optional<SynapseCount> synapses() {
        return Optional.of(synapseCount());
    }

    @Override
    public Optional<Prunable> prunable() {
        return Optional.of(this);
    }

    @Override
    public SynapseCount synapseCount() {
        long p = 0;
        for (boolean b : mask) {
            p += b ? 1 : 0;
        }
        return new SynapseCount(mask.length, p);
    }

    @Override
    public double[] synapseMagnitudes() {
        double[] m = new double[(int) synapseCount().present()];
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                m[k++] = Math.abs(w[i]);
            }
        }
        return m;
    }

    @Override
    public Layer withoutSynapses(boolean[] remove) {
        boolean[] m = mask.clone();
        int k = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i]) {
                if (remove[k++]) {
                    m[i] = false;
                }
            }
        }
        return new FakeLiquidLayer(name, n, w, m);
    }
}
