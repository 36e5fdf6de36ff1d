package dev.quantumliquid.engine.layer;

import java.util.Arrays;

/**
 * One tensor of a layer's parameter table: its name relative to the layer prefix, its shape, and
 * whether it is trained (a sparsity mask is stored with the weights but is a constant).
 */
public record ParamSpec(String name, int[] shape, boolean trainable) {
    public ParamSpec {
        shape = shape.clone();
    }

    /** Number of values (product of the shape). */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape) && p.trainable == trainable;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Boolean.hashCode(trainable);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (trainable ? "" : " (constant)");
    }
}
