package dev.quantumliquid.engine.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes a model version folder (spec sections 1-2): model.json, weights.safetensors and
 * an optional calibration.safetensors, every named file guarded by its SHA-256 in model.json.
 */
public final class ModelFiles {
    public static final String FORMAT = "qlnn-model/1";
    public static final String MODEL_JSON = "model.json";
    public static final String CALIBRATION = "calibration.safetensors";
    /** Optional model.json field: the names of the input features, in order. */
    public static final String INPUT_NAMES = "input_names";
    /** Largest model.json accepted. */
    public static final long MAX_MODEL_JSON_BYTES = 16L * 1024 * 1024;
    /** Most layers a model may have. */
    public static final int MAX_LAYERS = 64;
    /** Largest input or output width. */
    public static final int MAX_FEATURES = Layer.MAX_FEATURES;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ModelFiles() {
    }

    /**
     * A version folder read once: each file's bytes were hashed and parsed from the same buffer, so
     * what was verified is what serves.
     *
     * @param model the model built from model.json and the weights
     * @param calibration the verified calibration.safetensors, when the folder has one
     * @param digest SHA-256 (hex) of the model.json bytes, which pin every other file by its checksum:
     *     two loads with the same digest serve the same content
     */
    public record Loaded(Model model, Optional<TensorFile> calibration, String digest) {
    }

    /**
     * A check of model.json's exact bytes before they are parsed (a signature over them, say); it
     * refuses the version by throwing, and must not modify the bytes.
     */
    @FunctionalInterface
    public interface ModelJsonCheck {
        /** Accepts every model.json. */
        ModelJsonCheck NONE = modelJson -> {
        };

        void check(byte[] modelJson);
    }

    /** Loads and checks a version folder. */
    public static Model load(Path dir) {
        return read(dir, Long.MAX_VALUE).model();
    }

    /**
     * Loads and checks a version folder, every file read once: model.json, weights, calibration and
     * any other checksummed file must be regular files in the folder (no symbolic link, FIFO or
     * device), within their size limits; the folder's files may need at most {@code memoryBudget}
     * bytes of heap once parsed (about {@value #HEAP_PER_FILE_BYTE} times their size), checked before
     * anything large is allocated. Errors name files by their name in the folder, never by a path.
     */
    public static Loaded read(Path dir, long memoryBudget) {
        return read(dir, memoryBudget, ModelJsonCheck.NONE);
    }

    /**
     * As {@link #read(Path, long)}, with {@code check} run on model.json's bytes as read, before
     * anything is parsed; the version is then built from those same bytes, so what the check
     * accepted is what loads.
     */
    public static Loaded read(Path dir, long memoryBudget, ModelJsonCheck check) {
        byte[] modelBytes = FolderFiles.read(dir, MODEL_JSON, MAX_MODEL_JSON_BYTES,
                " (a model version folder needs model.json)");
        check.check(modelBytes);
        ObjectNode root = parseModelJson(modelBytes);
        JsonNode sums = root.get("checksums");
        if (sums == null || !sums.isObject()) {
            throw new EngineException(MODEL_JSON + ": missing object 'checksums' (a SHA-256 for every file)");
        }
        String weightsName = Json.requireText(root, "weights", MODEL_JSON);
        safeChild(dir, weightsName, "weights"); // blame a bad name on the field that gave it
        List<String> named = new ArrayList<>();
        named.add(weightsName);
        boolean hasCalibration = FolderFiles.present(dir, CALIBRATION);
        if (hasCalibration && !named.contains(CALIBRATION)) {
            named.add(CALIBRATION);
        }
        for (Iterator<String> it = sums.fieldNames(); it.hasNext();) {
            String f = it.next();
            safeChild(dir, f, "checksums");
            if (!named.contains(f)) {
                named.add(f);
            }
        }
        long need = modelBytes.length;
        for (String f : named) {
            need = Math.addExact(need, Math.multiplyExact(FolderFiles.size(dir, f, LISTED), HEAP_PER_FILE_BYTE));
        }
        if (need > memoryBudget) {
            throw new EngineException("version folder: its files need about " + mib(need) + " MiB of heap once loaded ("
                    + HEAP_PER_FILE_BYTE + " x their size), more than the budget of " + mib(memoryBudget) + " MiB");
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (String f : named) {
            JsonNode want = sums.get(f);
            if (want == null || !want.isTextual()) {
                throw new EngineException(MODEL_JSON + ": no SHA-256 in 'checksums' for '" + Json.abbreviate(f) + "'");
            }
            byte[] b = FolderFiles.read(dir, f, SafeTensors.MAX_FILE_BYTES, LISTED);
            String got = sha256(b);
            if (!got.equalsIgnoreCase(want.asText())) {
                String said = want.asText().matches("[0-9a-fA-F]{64}") ? want.asText() : Json.abbreviate(want.asText());
                throw new EngineException(f + ": checksum mismatch: model.json says sha256 " + said + ", file has " + got);
            }
            bytes.put(f, b);
        }
        TensorFile weights = SafeTensors.parse(weightsName, bytes.remove(weightsName));
        Optional<TensorFile> calibration = hasCalibration && bytes.containsKey(CALIBRATION)
                ? Optional.of(SafeTensors.parse(CALIBRATION, bytes.remove(CALIBRATION))) : Optional.empty();
        return new Loaded(build(root, weights), calibration, sha256(modelBytes));
    }

    private static final String LISTED = " (listed in model.json's checksums)";

    /** Heap a loaded model needs per byte of its files: the bytes read, their values as doubles, the model's floats. */
    public static final long HEAP_PER_FILE_BYTE = 4;

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** Builds a model from a parsed model.json and its weights (no file access). */
    public static Model build(ObjectNode root, TensorFile weights) {
        String fmt = Json.requireText(root, "format", MODEL_JSON);
        if (!fmt.equals(FORMAT)) {
            throw new EngineException(MODEL_JSON + ": field 'format' must be '" + FORMAT + "', got '" + Json.abbreviate(fmt) + "'");
        }
        String name = Json.requireText(root, "name", MODEL_JSON);
        int features = Json.requireInt(root, "input_features", MODEL_JSON, 1, MAX_FEATURES);
        JsonNode on = Json.require(root, "output_names", MODEL_JSON);
        if (!on.isArray() || on.isEmpty() || on.size() > MAX_FEATURES) {
            throw new EngineException(MODEL_JSON + ": field 'output_names' must be a non-empty array of at most "
                    + MAX_FEATURES + " strings");
        }
        List<String> outputs = new ArrayList<>();
        for (JsonNode n : on) {
            if (!n.isTextual()) {
                throw new EngineException(MODEL_JSON + ": field 'output_names' must hold strings, got " + Json.abbreviate(n));
            }
            outputs.add(n.asText());
        }
        checkInputNames(root, features);
        double rate = Json.optDouble(root, "sample_rate_hz", MODEL_JSON, 1e-6, 1e9, 1.0);
        String profile = Json.optText(root, "energy_profile", MODEL_JSON, "cortex-m4f");
        String description = Json.optText(root, "description", MODEL_JSON, "");
        ModelInfo info = new ModelInfo(name, description, features, outputs, rate, profile, root);
        JsonNode ln = Json.require(root, "layers", MODEL_JSON);
        if (!ln.isArray() || ln.isEmpty() || ln.size() > MAX_LAYERS) {
            throw new EngineException(MODEL_JSON + ": field 'layers' must be an array of 1.." + MAX_LAYERS + " layers");
        }
        List<Layer> layers = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < ln.size(); i++) {
            JsonNode l = ln.get(i);
            String where = MODEL_JSON + ": layer " + i;
            if (!l.isObject()) {
                throw new EngineException(where + " must be an object");
            }
            String lname = Json.requireText(l, "name", where);
            where = where + " '" + Json.abbreviate(lname) + "'";
            if (!names.add(lname)) {
                throw new EngineException(where + ": duplicate layer name (layer names must be unique)");
            }
            String prefix = Json.optText(l, "weights_prefix", where, lname + ".");
            layers.add(LayerRegistry.load(new LayerSource(where, lname, l, weights, prefix)));
        }
        return new Model(info, layers);
    }

    private static void checkInputNames(ObjectNode root, int features) {
        JsonNode n = root.get(INPUT_NAMES);
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isArray() || n.size() != features) {
            throw new EngineException(MODEL_JSON + ": field '" + INPUT_NAMES + "' must be an array of " + features
                    + " names (one per input feature), got " + Json.abbreviate(n));
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank() || !seen.add(e.asText())) {
                throw new EngineException(MODEL_JSON + ": field '" + INPUT_NAMES + "' must hold distinct non-blank strings, got "
                        + Json.abbreviate(e));
            }
        }
    }

    private static ObjectNode parseModelJson(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new EngineException(MODEL_JSON + ": must hold a JSON object");
            }
            return (ObjectNode) n;
        } catch (JsonProcessingException e) {
            throw new EngineException(MODEL_JSON + ": not valid JSON (" + Json.parseError(e) + ")");
        } catch (IOException e) {
            throw new EngineException(MODEL_JSON + ": cannot parse (" + e.getMessage() + ")", e);
        }
    }

    /** Resolves a file name from model.json inside the folder, refusing paths that leave it. */
    static Path safeChild(Path dir, String name, String field) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
                || name.indexOf('\0') >= 0) {
            throw new EngineException(MODEL_JSON + ": field '" + field + "' names '" + Json.abbreviate(name)
                    + "', which is not a plain file name in the version folder");
        }
        return dir.resolve(name);
    }

    /** SHA-256 (hex) of bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static String sha256(Path file) throws NoSuchFileException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new EngineException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * Writes a loadable version folder: weights.safetensors (tensors of every layer under its
     * prefix), an optional calibration file, and model.json with their checksums, model.json last
     * so a half-written folder never verifies.
     */
    public static void write(Path dir, ObjectNode modelJson, List<Tensor> weights, List<Tensor> calibration) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException(dir + ": cannot create (" + e.getMessage() + ")", e);
        }
        ObjectNode root = modelJson.deepCopy();
        String wname = root.hasNonNull("weights") ? root.get("weights").asText() : "weights.safetensors";
        root.put("weights", wname);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        SafeTensors.write(safeChild(dir, wname, "weights"), weights, meta);
        ObjectNode sums = root.putObject("checksums");
        try {
            sums.put(wname, sha256(dir.resolve(wname)));
            if (calibration.isEmpty()) {
                Files.deleteIfExists(dir.resolve(CALIBRATION)); // a stale one would fail the checksum check
            } else {
                SafeTensors.write(dir.resolve(CALIBRATION), calibration, Map.of());
                sums.put(CALIBRATION, sha256(dir.resolve(CALIBRATION)));
            }
            AtomicFiles.write(dir.resolve(MODEL_JSON), JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new EngineException(dir + ": cannot write model (" + e.getMessage() + ")", e);
        }
    }

    /** Writes a loaded model back (e.g. after pruning) to a new version folder. */
    public static void write(Path dir, Model model, List<Tensor> calibration) {
        ObjectNode root = model.json();
        root.remove("checksums");
        List<Tensor> all = new ArrayList<>();
        ArrayNode layers = (ArrayNode) root.get("layers");
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            JsonNode lj = layers.get(i);
            String prefix = lj.hasNonNull("weights_prefix") ? lj.get("weights_prefix").asText() : l.name() + ".";
            for (Tensor t : l.tensors()) {
                all.add(new Tensor(prefix + t.name(), t.dtype(), t.shape(), t.toDoubleArray()));
            }
        }
        write(dir, root, all, calibration);
    }

    /** The shared JSON mapper settings for model.json (indent, nesting limit). */
    public static ObjectMapper mapper() {
        return JSON.copy();
    }
}
