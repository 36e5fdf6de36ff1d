package dev.quantumliquid.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.ModelInfo;
import dev.quantumliquid.server.repository.ModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Model version folders for tests: real dense/scale models, and a stand-in recurrent quantum model. */
final class TestModels {
    static final int FEATURES = 3;
    static final int OUTPUTS = 2;
    /** Marker file: the folder holds the stand-in recurrent model (see {@link #LOADER}). */
    static final String LEAKY_MARKER = "leaky.txt";

    private TestModels() {
    }

    /**
     * A real feed-forward model (scale then dense with tanh), weights shifted by {@code seed} so two
     * versions give different outputs.
     */
    static Path writeDense(Path repo, String name, long version, float seed) {
        Path dir = repo.resolve(name).resolve(Long.toString(version));
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", name);
        root.put("description", "test dense model");
        root.put("input_features", FEATURES);
        root.putArray("output_names").add("y0").add("y1");
        root.put("sample_rate_hz", 10.0);
        var layers = root.putArray("layers");
        layers.addObject().put("type", "scale").put("name", "norm").put("size", FEATURES);
        layers.addObject().put("type", "dense").put("name", "head").put("in", FEATURES).put("out", OUTPUTS)
                .put("activation", "tanh");
        List<Tensor> t = List.of(
                Tensor.f32("norm.scale", new int[] {FEATURES}, new float[] {0.5f, 2f, 1f}),
                Tensor.f32("norm.shift", new int[] {FEATURES}, new float[] {0.1f, -0.2f, 0f}),
                Tensor.f32("head.weight", new int[] {OUTPUTS, FEATURES},
                        new float[] {0.3f + seed, -0.7f, 0.25f, 0.9f, 0.05f - seed, -0.4f}),
                Tensor.f32("head.bias", new int[] {OUTPUTS}, new float[] {0.01f, seed}));
        ModelFiles.write(dir, root, t, List.of());
        return dir;
    }

    /** How a stand-in layer behaves besides its arithmetic. */
    enum Behaviour {
        /** Plain. */
        LEAKY,
        /** Sleeps 300 ms per step (to fill the inference pool). */
        SLOW,
        /** Throws an unexpected exception when feature 0 exceeds 5 (an internal error). */
        EXPLODE,
        /** Outputs NaN when feature 0 exceeds 5 and +Inf when it is below -5 (a numerically broken model). */
        NON_FINITE
    }

    /** A recurrent quantum stand-in model (see {@link LeakyLayer}), the default behaviour. */
    static Path writeLeaky(Path repo, String name, long version) {
        return writeStandIn(repo, name, version, Behaviour.LEAKY);
    }

    /** A folder the {@link #LOADER} turns into a {@link LeakyLayer} model (recurrent, reports coherence). */
    static Path writeStandIn(Path repo, String name, long version, Behaviour b) {
        Path dir = repo.resolve(name).resolve(Long.toString(version));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(LEAKY_MARKER), b.name());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** ModelFiles.load, except for folders marked as a stand-in model. */
    static final ModelLoader LOADER = (dir, budget, check) -> {
        Path marker = dir.resolve(LEAKY_MARKER);
        if (!Files.exists(marker)) {
            return ModelFiles.read(dir, budget, check);
        }
        try {
            String behaviour = Files.readString(marker).strip();
            return new ModelFiles.Loaded(leaky(dir.getParent().getFileName().toString(), Behaviour.valueOf(behaviour)),
                    java.util.Optional.empty(), "stand-in " + behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    static Model leaky(String name, Behaviour b) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", name);
        ModelInfo info = new ModelInfo(name, "stand-in recurrent quantum model", FEATURES, List.of("h0", "h1", "h2"), 10.0,
                "cortex-m4f", json);
        return new Model(info, List.of(new LeakyLayer(FEATURES, b)));
    }

    /**
     * A stand-in for a liquid layer with a circuit, until the real ones land: h' = 0.5 h + 0.5 dt x,
     * y = h', coherence 1 / (1 + |h'_0|). Its outputs depend on the whole past, so a wrongly carried
     * state shows.
     */
    static final class LeakyLayer implements Layer {
        private final int n;
        private final Behaviour behaviour;

        LeakyLayer(int n, Behaviour behaviour) {
            this.n = n;
            this.behaviour = behaviour;
        }

        @Override
        public String name() {
            return "leaky";
        }

        @Override

        public LayerKind kind() {

            return LayerKind.DENSE;

        }


        @Override
        public String type() {
            return "test_leaky";
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
            return n;
        }

        @Override
        public boolean reportsCoherence() {
            return true;
        }

        @Override
        public Workspace newWorkspace() {
            return Workspace.NONE;
        }

        @Override
        public float step(float[] x, float[] y, float[] state, int off, float dt, Workspace ws) {
            if (behaviour == Behaviour.SLOW) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (behaviour == Behaviour.EXPLODE && x[0] > 5) {
                throw new IllegalStateException("stand-in failure with a secret detail");
            }
            for (int i = 0; i < n; i++) {
                state[off + i] = 0.5f * state[off + i] + 0.5f * dt * x[i];
                y[i] = state[off + i];
            }
            if (behaviour == Behaviour.NON_FINITE && Math.abs(x[0]) > 5) {
                y[1] = x[0] > 0 ? Float.NaN : Float.POSITIVE_INFINITY;
            }
            return 1f / (1f + Math.abs(state[off]));
        }

        @Override
        public double stepReference(double[] x, double[] y, double[] state, int off, double dt) {
            for (int i = 0; i < n; i++) {
                state[off + i] = 0.5 * state[off + i] + 0.5 * dt * x[i];
                y[i] = state[off + i];
            }
            return 1.0 / (1.0 + Math.abs(state[off]));
        }

        @Override
        public OpCounts opsPerStep() {
            return OpCounts.ZERO;
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public List<Tensor> tensors() {
            return List.of();
        }
    }
}
