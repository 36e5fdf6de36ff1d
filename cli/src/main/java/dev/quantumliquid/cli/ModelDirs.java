package dev.quantumliquid.cli;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the model version folder given by --model, with a plain message when it is not there. */
final class ModelDirs {
    private ModelDirs() {
    }

    static Model load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new EngineException(dir + (Files.exists(dir) ? ": not a directory" : ": no such directory")
                    + " (--model takes a model version folder holding model.json)");
        }
        return ModelFiles.load(dir);
    }
}
