package dev.quantumliquid.train.layers;

import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.TrainException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one trainable layer as named blocks laid out in one flat double[] (the
 * optimiser's view), plus constant tensors (sparsity masks) that are written but never trained.
 */
final class Params {
    record Block(String name, int[] shape, int offset, int size) {
    }

    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>(); // tensor names in write order
    private double[] values = new double[0];

    /** Adds a trainable block with these initial values; returns its offset in {@link #values}. */
    int add(String name, int[] shape, double[] init) {
        int size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        if (init.length != size) {
            throw new IllegalArgumentException(name + ": " + init.length + " values for " + size);
        }
        int off = values.length;
        values = java.util.Arrays.copyOf(values, off + size);
        System.arraycopy(init, 0, values, off, size);
        blocks.put(name, new Block(name, shape.clone(), off, size));
        order.add(name);
        return off;
    }

    /** Adds a constant tensor (a mask): written with the weights, not trained. */
    double[] constant(String name, int[] shape, double[] v) {
        constants.put(name, Tensor.f64(name, shape, v));
        order.add(name);
        return v;
    }

    double[] values() {
        return values;
    }

    int offset(String name) {
        Block b = blocks.get(name);
        if (b == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return b.offset();
    }

    List<Block> blocks() {
        return List.copyOf(blocks.values());
    }

    /** Every tensor (trainable and constant) under its name relative to the layer prefix, as float64. */
    List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>();
        for (String n : order) {
            Block b = blocks.get(n);
            if (b != null) {
                double[] v = new double[b.size()];
                System.arraycopy(values, b.offset(), v, 0, b.size());
                out.add(Tensor.f64(n, b.shape(), v));
            } else {
                out.add(constants.get(n));
            }
        }
        return out;
    }

    /** Reads a tensor of a loaded layer by relative name, checking its size. */
    static double[] from(Map<String, Tensor> tensors, String name, int size, String where) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new TrainException(where + ": missing tensor '" + name + "'");
        }
        if (t.size() != size) {
            throw new TrainException(where + ": tensor '" + name + "' has " + t.size() + " values, expected " + size);
        }
        return t.toDoubleArray();
    }

    static Map<String, Tensor> byName(List<Tensor> ts) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : ts) {
            m.put(t.name(), t);
        }
        return m;
    }
}
