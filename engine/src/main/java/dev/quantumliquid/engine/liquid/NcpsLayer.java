package dev.quantumliquid.engine.liquid;

import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.kernel.Kernels;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import java.util.List;

/**
 * What the three ncps layers share: identity, sizes, tensors and the optional mixed-memory cell. The
 * layer state is h[units], then c[units] with mixed memory.
 */
abstract class NcpsLayer implements Layer {
    final String name;
    final NcpsSpec spec;
    final TensorSet tensors;
    final int in;
    final int units;
    final int out;
    final MixedMemory lstm; // null without mixed memory
    final Kernels k = Kernels.preferred();

    NcpsLayer(String name, NcpsSpec spec, TensorSet tensors, int out) {
        this.name = name;
        this.spec = spec;
        this.tensors = tensors;
        this.in = spec.inputSize();
        this.units = spec.units();
        this.out = out;
        this.lstm = spec.mixedMemory() ? new MixedMemory(tensors, in, units) : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerKind kind() {
        return spec.layerKind();
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
        return lstm == null ? units : 2 * units;
    }

    @Override
    public int cellSize() {
        return lstm == null ? 0 : units;
    }

    @Override
    public long parameterCount() {
        return tensors.parameterCount();
    }

    @Override
    public List<Tensor> tensors() {
        return tensors.list();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + in + " -> " + units + " units -> " + out + "]";
    }
}
