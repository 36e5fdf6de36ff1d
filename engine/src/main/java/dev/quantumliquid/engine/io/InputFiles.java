package dev.quantumliquid.engine.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.engine.model.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads untrusted input files (an ncps spec.json and its weights, for instance); errors name the path
 * as the user gave it, and a missing file is reported as such rather than as an I/O failure.
 */
public final class InputFiles {
    /** Largest JSON file accepted. */
    public static final long MAX_JSON_BYTES = ModelFiles.MAX_MODEL_JSON_BYTES;

    private InputFiles() {
    }

    public static JsonNode readJsonObject(Path file) {
        JsonNode n;
        try {
            n = ModelFiles.mapper().readTree(SequenceValues.readAll(file, MAX_JSON_BYTES));
        } catch (JsonProcessingException e) {
            throw new EngineException(file + ": not valid JSON (" + Json.parseError(e) + ")");
        } catch (IOException e) {
            throw new EngineException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (n == null || !n.isObject()) {
            throw new EngineException(file + ": must hold a JSON object");
        }
        return n;
    }

    public static TensorFile readSafeTensors(Path file) {
        return SafeTensors.parse(file.toString(), SequenceValues.readAll(file, SafeTensors.MAX_FILE_BYTES));
    }
}
