package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.engine.model.ModelFiles.ModelJsonCheck;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * Loads one version folder, within a heap budget in bytes, into a model with its calibration and
 * content digest; {@code ModelFiles::read} in production. Throws EngineException (or any runtime
 * exception) with a one-line reason when the folder is refused.
 */
@FunctionalInterface
public interface ModelLoader {
    /** Loads {@code versionDir}, running {@code check} on model.json's bytes as read, before parsing those same bytes. */
    ModelFiles.Loaded load(Path versionDir, long memoryBudget, ModelJsonCheck check);

    /** Loads {@code versionDir} with no check of model.json beyond the loader's own. */
    default ModelFiles.Loaded load(Path versionDir, long memoryBudget) {
        return load(versionDir, memoryBudget, ModelJsonCheck.NONE);
    }

    /**
     * This loader, loading a version only when {@code check} (given the folder and model.json's bytes)
     * accepts the very model.json the version is built from: the check runs inside the loader's single
     * read, and a result whose digest is not that of the checked bytes is refused, so a loader that
     * skips the check, or reads model.json again, fails closed.
     */
    default ModelLoader requiring(BiConsumer<Path, byte[]> check) {
        return (dir, budget, inner) -> {
            AtomicReference<String> checked = new AtomicReference<>();
            ModelFiles.Loaded loaded = load(dir, budget, modelJson -> {
                check.accept(dir, modelJson);
                inner.check(modelJson);
                checked.set(ModelFiles.sha256(modelJson));
            });
            if (!loaded.digest().equals(checked.get())) {
                throw new IllegalStateException("model.json: the version was not built from the model.json that was checked");
            }
            return loaded;
        };
    }
}
