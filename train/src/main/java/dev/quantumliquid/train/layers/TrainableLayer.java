package dev.quantumliquid.train.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.train.grad.Tape;
import dev.quantumliquid.train.kernel.BatchKernel;
import dev.quantumliquid.train.kernel.ColumnKernels;
import java.util.List;

/**
 * The trainable counterpart of one model layer: its parameters as one double[] and a forward pass on a
 * {@link Tape} with exactly the engine's float64 semantics (MODEL_FORMAT.md sections 3-5), so the
 * gradient of anything computed from the outputs is one backward sweep away.
 */
public interface TrainableLayer {
    String name();

    int inputSize();

    int outputSize();

    /** Recurrent state width (h, then c with mixed memory); 0 for feed-forward layers. */
    int stateSize();

    /** The live parameter vector (the optimiser updates it in place). */
    double[] params();

    /** False for layers whose parameters stay as set (scale layers from data statistics). */
    default boolean trainable() {
        return true;
    }

    /**
     * The batched forward/backward kernel training uses (see {@link BatchKernel}); by default the
     * tape, one sequence at a time ({@link TapeKernel}). Layers with a hand-written kernel override it.
     */
    default BatchKernel kernel() {
        return new TapeKernel(this);
    }

    /**
     * As {@link #kernel()}, with the kernel's numeric primitives given (the vector twin by default; the
     * tests also run the scalar one, which gives the same bits); layers whose kernel is not built on
     * {@link ColumnKernels} ignore them.
     */
    default BatchKernel kernel(ColumnKernels ops) {
        return kernel();
    }

    /** This layer's entry of model.json's "layers". */
    ObjectNode json();

    /** Tensors under names relative to the layer prefix, from the current parameters. */
    List<Tensor> tensors();

    /**
     * Starts one sequence on the tape: the parameters are the nodes p, p+1, ... (in {@link #params()}
     * order); per-sequence derived quantities (e.g. softplus of constrained parameters) are made here.
     */
    Run begin(Tape tape, int p);

    /** One sequence's forward pass through this layer. */
    interface Run {
        /** One step: x nodes in, output nodes returned; state nodes (length stateSize) replaced in place. */
        int[] step(int[] x, int[] state, double dt);
    }
}
