package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Trainable {@code dense}: y = act(W x + b). */
public final class TrainableDense implements TrainableLayer {
    private final String name;
    private final int in;
    private final int out;
    private final Activation act;
    private final Params p = new Params();
    private final int w; // offset of weight [out][in]
    private final int b; // offset of bias [out]

    private TrainableDense(String name, int in, int out, Activation act, double[] weight, double[] bias) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.act = act;
        this.w = p.add("weight", new int[] {out, in}, weight);
        this.b = p.add("bias", new int[] {out}, bias);
    }

    /** Xavier-uniform weight (as ncps initialises its linear layers; torch.nn.Linear's own default is kaiming-uniform) and torch.nn.Linear's default bias U(+-1/sqrt(in)). */
    public static TrainableDense create(String name, int in, int out, Activation act, SplittableRandom r) {
        return new TrainableDense(name, in, out, act, Init.xavier(r, out, in), Init.linearBias(r, out, in));
    }

    static TrainableDense of(ObjectNode json, List<Tensor> tensors) {
        String name = json.get("name").asText();
        int in = json.get("in").asInt();
        int out = json.get("out").asInt();
        Activation a = Activation.parse(json.path("activation").asText("none"), name);
        Map<String, Tensor> m = Params.byName(tensors);
        return new TrainableDense(name, in, out, a, Params.from(m, "weight", in * out, name), Params.from(m, "bias", out, name));
    }

    @Override
    public String name() {
        return name;
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
    public double[] params() {
        return p.values();
    }

    /** The hand-written batched kernel ({@link DenseKernel}). */
    @Override
    public BatchKernel kernel() {
        return kernel(ColumnKernels.VECTOR);
    }

    @Override
    public BatchKernel kernel(ColumnKernels ops) {
        return new DenseKernel(ops, in, out, act, w, b);
    }

    @Override
    public ObjectNode json() {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("type", "dense").put("name", name).put("in", in).put("out", out).put("activation", Activations.name(act));
        return j;
    }

    @Override
    public List<Tensor> tensors() {
        return p.tensors();
    }

    @Override
    public Run begin(Tape t, int base) {
        return (x, state, dt) -> {
            int[] y = new int[out];
            for (int r = 0; r < out; r++) {
                y[r] = Activations.apply(t, act, t.affine(base + w + r * in, x, 0, in, base + b + r, null, 0));
            }
            return y;
        };
    }
}
