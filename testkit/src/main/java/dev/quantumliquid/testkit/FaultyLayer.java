package dev.quantumliquid.testkit;

import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.layer.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real layer with a fault for tests of how a server copes: it computes exactly what the layer
 * computes, and when feature 0 of its input passes a trigger it also blocks, throws or writes a
 * non-finite output. The trigger keeps a version's load-time runs (warm-up, calibration probe) on
 * the real arithmetic, so only the requests a test aims at meet the fault. The lane mode is off, so
 * every step passes through the fault.
 */
public final class FaultyLayer implements Layer {
    /** What happens on a triggered step. */
    private interface Fault {
        /** Before the real step: may block or throw. */
        default void before(float[] x) {
        }

        /** After the real step: may change the output. */
        default void after(float[] x, float[] y) {
        }
    }

    private final Layer real;
    private final Fault fault;

    private FaultyLayer(Layer real, Fault fault) {
        this.real = real;
        this.fault = fault;
    }

    /** {@code model} with its first layer replaced by {@code fault} applied to it (the layer that sees the raw input). */
    public static Model aroundFirst(Model model, UnaryOperator<Layer> fault) {
        List<Layer> layers = new ArrayList<>(model.layers());
        layers.set(0, fault.apply(layers.get(0)));
        return new Model(model.info(), layers);
    }

    /**
     * Steps whose feature 0 exceeds {@code above} announce themselves on {@code entered} and wait for
     * {@code release} (a minute at most, then they go on): a request held on a worker for as long as a
     * test needs.
     */
    public static UnaryOperator<Layer> held(float above, CountDownLatch entered, CountDownLatch release) {
        return real -> new FaultyLayer(real, new Fault() {
            @Override
            public void before(float[] x) {
                if (x[0] > above) {
                    entered.countDown();
                    try {
                        release.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
    }

    /** Steps whose feature 0 exceeds {@code above} throw an unexpected exception carrying a detail no client may see. */
    public static UnaryOperator<Layer> exploding(float above) {
        return real -> new FaultyLayer(real, new Fault() {
            @Override
            public void before(float[] x) {
                if (x[0] > above) {
                    throw new IllegalStateException("injected failure with a secret detail");
                }
            }
        });
    }

    /** Output 1 is NaN when feature 0 exceeds {@code beyond} and +Inf when it is below {@code -beyond}: a numerically broken model. */
    public static UnaryOperator<Layer> nonFinite(float beyond) {
        return real -> new FaultyLayer(real, new Fault() {
            @Override
            public void after(float[] x, float[] y) {
                if (x[0] > beyond) {
                    y[1] = Float.NaN;
                } else if (x[0] < -beyond) {
                    y[1] = Float.POSITIVE_INFINITY;
                }
            }
        });
    }

    @Override
    public float step(float[] x, float[] y, float[] state, int stateOffset, float dt, Workspace ws) {
        fault.before(x);
        float coherence = real.step(x, y, state, stateOffset, dt, ws);
        fault.after(x, y);
        return coherence;
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public LayerKind kind() {
        return real.kind();
    }

    @Override
    public String type() {
        return real.type();
    }

    @Override
    public int inputSize() {
        return real.inputSize();
    }

    @Override
    public int outputSize() {
        return real.outputSize();
    }

    @Override
    public int stateSize() {
        return real.stateSize();
    }

    @Override
    public int cellSize() {
        return real.cellSize();
    }

    @Override
    public boolean reportsCoherence() {
        return real.reportsCoherence();
    }

    @Override
    public Workspace newWorkspace() {
        return real.newWorkspace();
    }

    @Override
    public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
        return real.stepReference(x, y, state, stateOffset, dt);
    }

    @Override
    public OpCounts opsPerStep() {
        return real.opsPerStep();
    }

    @Override
    public long parameterCount() {
        return real.parameterCount();
    }

    @Override
    public List<Tensor> tensors() {
        return real.tensors();
    }

    @Override
    public int qubits() {
        return real.qubits();
    }
}
