package dev.quantumliquid.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The reference fixtures copied from shared/fixtures into test resources (data only). */
public final class Fixtures {
    private Fixtures() {
    }

    /** One fixture case: spec.json, weights and expected input/output. */
    public record Case(String name, Path dir, JsonNode spec, TensorFile weights, TensorFile io) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The fixtures folder: a directory in this module's build, or a folder inside the engine's test jar
     * when another module's tests read them after `verify` packaged it.
     */
    public static Path root() {
        try {
            URI uri = Fixtures.class.getResource("/fixtures/README.md").toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return fs.getPath("/fixtures");
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All cases of a family ("ncps" or "pqc"), sorted by name. */
    public static List<Case> all(String family) {
        try (Stream<Path> s = Files.list(root().resolve(family))) {
            return s.filter(Files::isDirectory).sorted().map(Fixtures::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Case get(String family, String name) {
        return load(root().resolve(family).resolve(name));
    }

    static Case load(Path dir) {
        try {
            JsonNode spec = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("spec.json")));
            return new Case(dir.getFileName().toString(), dir, spec, SafeTensors.read(dir.resolve("weights.safetensors")),
                    SafeTensors.read(dir.resolve("io.safetensors")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pqc case as a one-layer model (outputs z0..z{n-1}), its tensors unprefixed. */
    public static Model pqcModel(Case c) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", ModelFiles.FORMAT);
        root.put("name", c.name());
        root.put("input_features", c.spec().get("input_size").asInt());
        int n = c.spec().get("n_qubits").asInt();
        var names = root.putArray("output_names");
        for (int q = 0; q < n; q++) {
            names.add("z" + q);
        }
        ObjectNode layer = ((ObjectNode) c.spec()).deepCopy();
        layer.put("name", "q");
        layer.put("weights_prefix", "");
        root.putArray("layers").add(layer);
        return ModelFiles.build(root, c.weights());
    }

    /** A [B][T][F] tensor as floats. */
    public static float[][][] rank3f(Tensor t) {
        int b = t.dim(0);
        int n = t.dim(1);
        int f = t.dim(2);
        float[][][] out = new float[b][n][f];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < f; k++) {
                    out[i][j][k] = (float) t.get((i * n + j) * f + k);
                }
            }
        }
        return out;
    }

    /** A [B][N] tensor as floats. */
    public static float[][] rank2f(Tensor t) {
        int b = t.dim(0);
        int n = t.dim(1);
        float[][] out = new float[b][n];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = (float) t.get(i * n + j);
            }
        }
        return out;
    }
}
