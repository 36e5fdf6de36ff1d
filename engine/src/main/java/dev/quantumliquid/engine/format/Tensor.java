package dev.quantumliquid.engine.format;

import dev.quantumliquid.engine.EngineException;
import java.util.Arrays;

/**
 * A named, immutable dense tensor read from or written to safetensors. Values are held as doubles
 * whatever the stored dtype (F32 values widen exactly), so the float64 reference path sees the
 * stored float32 weights bit for bit.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final double[] values; // row-major, length = product(shape)

    public Tensor(String name, DType dtype, int[] shape, double[] values) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new EngineException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new EngineException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
        this.values = values;
    }

    public static Tensor f32(String name, int[] shape, float[] data) {
        double[] v = new double[data.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = data[i];
        }
        return new Tensor(name, DType.F32, shape, v);
    }

    public static Tensor f64(String name, int[] shape, double[] data) {
        return new Tensor(name, DType.F64, shape, data.clone());
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return values.length;
    }

    /** A copy of the values as doubles, row-major. */
    public double[] toDoubleArray() {
        return values.clone();
    }

    /** A copy of the values narrowed to float, row-major. */
    public float[] toFloatArray() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    public double get(int flatIndex) {
        return values[flatIndex];
    }

    /** Checks the shape, naming this tensor, the expected and the actual shape on mismatch. */
    public Tensor requireShape(String where, int... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new EngineException(where + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(expected));
        }
        return this;
    }

    /** Checks every value is finite, naming the tensor and the first bad index. */
    public Tensor requireFinite(String where) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new EngineException(where + ": tensor '" + name + "' holds " + values[i] + " at flat index " + i
                        + " (weights must be finite)");
            }
        }
        return this;
    }

    @Override
    public String toString() {
        return name + dtype + Arrays.toString(shape);
    }
}
