package dev.quantumliquid.engine.format;

import dev.quantumliquid.engine.EngineException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The tensors of one safetensors file, by name, with the file's label for error messages. */
public final class TensorFile {
    private final String label;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    public TensorFile(String label, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.label = label;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public String label() {
        return label;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor, or an error naming the file and the tensor. */
    public Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new EngineException(label + ": missing tensor '" + name + "'");
        }
        return t;
    }

    /** The named tensor with exactly this shape, finite; errors name file, tensor, expected and actual shape. */
    public Tensor require(String name, int... shape) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new EngineException(label + ": missing tensor '" + name + "' (expected shape " + Arrays.toString(shape) + ")");
        }
        return t.requireShape(label, shape).requireFinite(label);
    }
}
