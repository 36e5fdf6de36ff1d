package dev.quantumliquid.engine.feedforward;

import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.kernel.Kernels;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.List;

/** {@code dense}: y = act(weight @ x + bias) (spec section 5). */
public final class DenseLayer implements Layer {
    private final String name;
    private final int in;
    private final int out;
    private final Activation act;
    private final Tensor weightT;
    private final Tensor biasT;
    private final float[] w;  // [out][in]
    private final float[] b;  // [out]
    private final double[] wd; // [out][in]
    private final double[] bd; // [out]
    private final Kernels k = Kernels.preferred();

    public DenseLayer(String name, Activation act, Tensor weight, Tensor bias) {
        this.name = name;
        this.out = weight.dim(0);
        this.in = weight.dim(1);
        this.act = act;
        this.weightT = weight;
        this.biasT = bias;
        this.w = weight.toFloatArray();
        this.b = bias.toFloatArray();
        this.wd = weight.toDoubleArray();
        this.bd = bias.toDoubleArray();
    }

    public static DenseLayer create(LayerSource src) {
        int in = Json.requireInt(src.json(), "in", src.where(), 1, Layer.MAX_FEATURES);
        int out = Json.requireInt(src.json(), "out", src.where(), 1, Layer.MAX_FEATURES);
        Activation act = Activation.parse(Json.optChoice(src.json(), "activation", src.where(), "none",
                "none", "tanh", "relu", "sigmoid", "lecun_tanh"), src.where());
        return new DenseLayer(src.name(), act, src.tensor("weight", out, in), src.tensor("bias", out));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerKind kind() {
        return LayerKind.DENSE;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
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
        k.matVec(w, b, x, 0, out, in, y, 0);
        if (act != Activation.NONE) {
            for (int i = 0; i < out; i++) {
                y[i] = act.apply(y[i]);
            }
        }
        return Float.NaN;
    }

    @Override
    public boolean supportsLanes() {
        return true;
    }

    @Override
    public Workspace newLaneWorkspace(int lanes) {
        return Workspace.NONE;
    }

    @Override
    public void stepLanes(float[] x, float[] y, float[] state, int stateOffset, float[] dt, int lanes, Workspace ws) {
        k.matVecLanes(w, b, x, out, in, y, lanes);
        if (act != Activation.NONE) {
            for (int i = 0, n = out * lanes; i < n; i++) {
                y[i] = act.apply(y[i]);
            }
        }
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
        for (int r = 0; r < out; r++) {
            double s = bd[r];
            for (int c = 0; c < in; c++) {
                s += wd[r * in + c] * x[c];
            }
            y[r] = act.apply(s);
        }
        return Double.NaN;
    }

    @Override
    public OpCounts opsPerStep() {
        return new OpCounts((long) in * out, (long) out * act.transcendentals(), 0, 0);
    }

    @Override
    public long parameterCount() {
        return (long) in * out + out;
    }

    @Override
    public List<Tensor> tensors() {
        return List.of(rename(weightT, "weight"), rename(biasT, "bias"));
    }

    @Override
    public void writeC(CSource c) {
        denseC(c, "w", w, b, out, in, "x", "y", act);
        c.line("(void)st;");
        c.line("(void)dt;");
        c.line("return 0.0f;");
    }

    /**
     * Writes {@code yName[r] = act(bias[r] + sum_c w[r][c] * xName[c])} for a row-major [rows][cols]
     * matrix, the same product as {@code Kernels.matVec} (bias added last there; within rounding here).
     */
    public static void denseC(CSource c, String name, float[] w, float[] bias, int rows, int cols, String xName,
            String yName, Activation act) {
        String wn = c.floats(name, w);
        String bn = c.floats(name + "_b", bias);
        c.line("for (int r = 0; r < %d; r++) {", rows);
        c.line("const float *wr = %s + r * %d;", wn, cols);
        c.line("float s = 0.0f;");
        c.line("for (int k = 0; k < %d; k++) {", cols);
        c.line("s += wr[k] * %s[k];", xName);
        c.line("}");
        c.line("%s[r] = %s;", yName, act.c("(s + " + bn + "[r])"));
        c.line("}");
    }

    static Tensor rename(Tensor t, String name) {
        return new Tensor(name, t.dtype(), t.shape(), t.toDoubleArray());
    }
}
