package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import java.util.List;
import java.util.Map;

/** {@code scale}: y = x * scale + shift; set from data statistics and kept fixed in training. */
public final class TrainableScale implements TrainableLayer {
    private final String name;
    private final int n;
    private final Params p = new Params();

    public TrainableScale(String name, double[] scale, double[] shift) {
        this.name = name;
        this.n = scale.length;
        p.add("scale", new int[] {n}, scale);
        p.add("shift", new int[] {n}, shift);
    }

    static TrainableScale of(ObjectNode json, List<Tensor> tensors) {
        String name = json.get("name").asText();
        int n = json.get("size").asInt();
        Map<String, Tensor> m = Params.byName(tensors);
        return new TrainableScale(name, Params.from(m, "scale", n, name), Params.from(m, "shift", n, name));
    }

    @Override
    public String name() {
        return name;
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
    public double[] params() {
        return p.values();
    }

    @Override
    public boolean trainable() {
        return false;
    }

    /** The batched kernel ({@link ScaleKernel}). */
    @Override
    public BatchKernel kernel() {
        return new ScaleKernel(n);
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "scale").put("name", name).put("size", n);
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    @Override
    public Run begin(Tape t, int base) {
        return (x, state, dt) -> {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = t.add(t.mul(x[i], base + i), base + n + i);
            }
            return y;
        };
    }
}
