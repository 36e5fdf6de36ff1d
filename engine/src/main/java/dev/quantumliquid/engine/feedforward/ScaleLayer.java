package dev.quantumliquid.engine.feedforward;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.List;

/** {@code scale}: y = x * scale + shift, elementwise (input normalisation, output de-normalisation). */
public final class ScaleLayer implements Layer {
    private final String name;
    private final int n;
    private final Tensor scaleT;
    private final Tensor shiftT;
    private final float[] scale; // [F]
    private final float[] shift; // [F]
    private final double[] scaleD; // [F]
    private final double[] shiftD; // [F]

    public ScaleLayer(String name, Tensor scale, Tensor shift) {
        this.name = name;
        this.n = scale.dim(0);
        this.scaleT = scale;
        this.shiftT = shift;
        this.scale = scale.toFloatArray();
        this.shift = shift.toFloatArray();
        this.scaleD = scale.toDoubleArray();
        this.shiftD = shift.toDoubleArray();
    }

    /** {@code size} is optional: without it the width is the length of the {@code scale} tensor. */
    public static ScaleLayer create(LayerSource src) {
        int size;
        if (src.json().hasNonNull("size")) {
            size = Json.requireInt(src.json(), "size", src.where(), 1, Layer.MAX_FEATURES);
        } else {
            int[] shape = src.weights().require(src.prefix() + "scale").shape();
            if (shape.length != 1 || shape[0] < 1 || shape[0] > Layer.MAX_FEATURES) {
                throw new EngineException(src.where() + ": tensor '" + src.prefix() + "scale' must have shape [F] with F in 1.."
                        + Layer.MAX_FEATURES + " (or set \"size\"), got " + java.util.Arrays.toString(shape));
            }
            size = shape[0];
        }
        return new ScaleLayer(src.name(), src.tensor("scale", size), src.tensor("shift", size));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerKind kind() {
        return LayerKind.SCALE;
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
        for (int i = 0; i < n; i++) {
            y[i] = x[i] * scale[i] + shift[i];
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
        for (int i = 0; i < n; i++) {
            float a = scale[i];
            float c = shift[i];
            for (int l = i * lanes, end = l + lanes; l < end; l++) {
                y[l] = x[l] * a + c;
            }
        }
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] * scaleD[i] + shiftD[i];
        }
        return Double.NaN;
    }

    @Override
    public OpCounts opsPerStep() {
        return new OpCounts(n, 0, 0, 0);
    }

    @Override
    public long parameterCount() {
        return 2L * n;
    }

    @Override
    public List<Tensor> tensors() {
        return List.of(DenseLayer.rename(scaleT, "scale"), DenseLayer.rename(shiftT, "shift"));
    }

    @Override
    public void writeC(CSource c) {
        String a = c.floats("scale", scale);
        String b = c.floats("shift", shift);
        c.line("(void)st;");
        c.line("(void)dt;");
        c.line("for (int i = 0; i < %d; i++) {", n);
        c.line("y[i] = x[i] * %s[i] + %s[i];", a, b);
        c.line("}");
        c.line("return 0.0f;");
    }
}
