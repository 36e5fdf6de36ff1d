package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.DType;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.LayerSource;
import dev.quantumliquid.engine.layer.ParamSpec;
import dev.quantumliquid.engine.layer.ParamTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of one ncps layer under their state_dict names (relative to the layer prefix), in load
 * order. Immutable: pruning makes a new set with replaced masks.
 */
final class TensorSet {
    private final Map<String, Tensor> byName;

    private TensorSet(Map<String, Tensor> byName) {
        this.byName = byName;
    }

    /** Loads the named tensors, checking each against its shape; masks must hold only 0 and 1. */
    static final class Loader {
        private final LayerSource src;
        private final Map<String, Tensor> byName = new LinkedHashMap<>();

        Loader(LayerSource src) {
            this.src = src;
        }

        Loader add(String name, int... shape) {
            Tensor t;
            try {
                t = src.tensor(name, shape);
            } catch (EngineException e) {
                throw new EngineException(src.where() + ": " + e.getMessage(), e);
            }
            byName.put(name, new Tensor(name, t.dtype(), t.shape(), t.toDoubleArray()));
            return this;
        }

        Loader addMask(String name, int... shape) {
            add(name, shape);
            Tensor t = byName.get(name);
            for (int i = 0; i < t.size(); i++) {
                if (t.get(i) != 0.0 && t.get(i) != 1.0) {
                    throw new EngineException(src.where() + ": tensor '" + src.prefix() + name + "' holds " + t.get(i)
                            + " at flat index " + i + " (a sparsity mask holds only 0 and 1)");
                }
            }
            return this;
        }

        /** Every tensor of the table, checked against its shape; constants are masks. */
        Loader addAll(ParamTable table) {
            for (ParamSpec p : table.params()) {
                if (p.trainable()) {
                    add(p.name(), p.shape());
                } else {
                    addMask(p.name(), p.shape());
                }
            }
            return this;
        }

        TensorSet done() {
            return new TensorSet(byName);
        }
    }

    Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalStateException("tensor " + name + " was not loaded");
        }
        return t;
    }

    double[] d(String name) {
        return get(name).toDoubleArray();
    }

    float[] f(String name) {
        return get(name).toFloatArray();
    }

    /** A copy with one tensor replaced by new float32 values of the same shape. */
    TensorSet with(String name, double[] values) {
        Tensor old = get(name);
        Map<String, Tensor> m = new LinkedHashMap<>(byName);
        m.put(name, new Tensor(name, DType.F32, old.shape(), values.clone()));
        return new TensorSet(m);
    }

    List<Tensor> list() {
        return List.copyOf(byName.values());
    }

    /** Stored parameters, sparsity masks excluded (they are constants, not parameters). */
    long parameterCount() {
        long n = 0;
        for (Tensor t : byName.values()) {
            if (!t.name().endsWith("sparsity_mask")) {
                n += t.size();
            }
        }
        return n;
    }
}
