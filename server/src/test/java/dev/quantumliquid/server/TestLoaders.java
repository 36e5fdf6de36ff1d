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
import dev.quantumliquid.testkit.FaultyLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How server tests load versions: the real loader, plus the stand-in recurrent quantum model
 * ({@link LeakyLayer}) some still serve, and a {@link FaultyLayer} fault around the real models of one name.
 */
final class TestLoaders {
    static final int FEATURES = 3;
    /** Marker file: the folder holds the stand-in recurrent model (see {@link #LOADER}). */
    static final String LEAKY_MARKER = "leaky.txt";

    private TestLoaders() {
    }

    /** ModelFiles.read, with {@code fault} around the first layer of every version of {@code model}. */
    static ModelLoader withFault(String model, UnaryOperator<Layer> fault) {
        return (dir, budget, check) -> {
            ModelFiles.Loaded real = LOADER.load(dir, budget, check);
            if (!dir.getParent().getFileName().toString().equals(model)) {
                return real;
            }
            return new ModelFiles.Loaded(FaultyLayer.aroundFirst(real.model(), fault), real.calibration(), real.digest());
        };
    }

    /** A folder the {@link #LOADER} turns into a {@link LeakyLayer} model (recurrent, reports coherence). */
    static Path writeLeaky(Path repo, String name, long version) {
        Path dir = repo.resolve(name).resolve(Long.toString(version));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(LEAKY_MARKER), "stand-in");
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
        return new ModelFiles.Loaded(leaky(dir.getParent().getFileName().toString()), java.util.Optional.empty(),
                "stand-in");
    };

    static Model leaky(String name) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", name);
        ModelInfo info = new ModelInfo(name, "stand-in recurrent quantum model", FEATURES, List.of("h0", "h1", "h2"), 10.0,
                "cortex-m4f", json);
        return new Model(info, List.of(new LeakyLayer(FEATURES)));
    }

    /**
     * A stand-in for a liquid layer with a circuit: h' = 0.5 h + 0.5 dt x,
     * y = h', coherence 1 / (1 + |h'_0|). Its outputs depend on the whole past, so a wrongly carried
     * state shows.
     */
    static final class LeakyLayer implements Layer {
        private final int n;

        LeakyLayer(int n) {
            this.n = n;
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
            for (int i = 0; i < n; i++) {
                state[off + i] = 0.5f * state[off + i] + 0.5f * dt * x[i];
                y[i] = state[off + i];
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
