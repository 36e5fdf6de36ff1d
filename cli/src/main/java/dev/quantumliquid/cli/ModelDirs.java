package dev.quantumliquid.cli;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Model version folders given on the command line: --model to load, --out to write. */
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

    /**
     * Checks that a command may write a model into {@code out}: missing or empty, or {@code force}
     * given (then the replaced model's calibration file goes, which would fail the new model.json's
     * checksums). Runs before any work, so a refusal costs nothing.
     */
    static void prepareOut(Path out, boolean force) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new EngineException("--out " + out + ": exists and is not a directory");
        }
        boolean empty;
        try (Stream<Path> s = Files.list(out)) {
            empty = s.findAny().isEmpty();
        } catch (IOException e) {
            throw new EngineException("--out " + out + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (empty) {
            return;
        }
        if (!force) {
            throw new EngineException("--out " + out + ": not empty (use --force to replace the model in it, or another folder)");
        }
        try {
            Files.deleteIfExists(out.resolve(ModelFiles.CALIBRATION));
        } catch (IOException e) {
            throw new EngineException(out.resolve(ModelFiles.CALIBRATION) + ": cannot remove (" + e.getMessage() + ")", e);
        }
    }
}
