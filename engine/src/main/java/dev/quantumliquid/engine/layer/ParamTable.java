package dev.quantumliquid.engine.layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameter tensors of one layer in their fixed order: the order the weights are read, the
 * order a fresh layer draws its initial values, and the order trainable tensors are laid out in a
 * flat parameter vector (constants take no room there).
 */
public final class ParamTable {
    private final List<ParamSpec> params;
    private final Map<String, Integer> offsets = new LinkedHashMap<>(); // trainable name -> start in the flat vector
    private final Map<String, ParamSpec> byName = new LinkedHashMap<>();
    private final int trainableSize;

    public ParamTable(List<ParamSpec> params) {
        this.params = List.copyOf(params);
        int off = 0;
        for (ParamSpec p : this.params) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter " + p.name() + " listed twice");
            }
            if (p.trainable()) {
                offsets.put(p.name(), off);
                off = Math.addExact(off, p.size());
            }
        }
        this.trainableSize = off;
    }

    /** Every tensor, trainable and constant, in order. */
    public List<ParamSpec> params() {
        return params;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public ParamSpec get(String name) {
        ParamSpec p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name + " in " + byName.keySet());
        }
        return p;
    }

    /** Start of a trainable tensor in the flat vector of trainable values. */
    public int offset(String name) {
        Integer o = offsets.get(name);
        if (o == null) {
            throw new IllegalArgumentException("no trainable parameter " + name + " in " + offsets.keySet());
        }
        return o;
    }

    /** Start of a trainable tensor, or empty when this layer has no such tensor (e.g. an absent mapping). */
    public Optional<Integer> offsetIfPresent(String name) {
        return Optional.ofNullable(offsets.get(name));
    }

    /** Values of all trainable tensors together. */
    public int trainableSize() {
        return trainableSize;
    }
}
