package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.Path;

/**
 * Loads one version folder, within a heap budget in bytes, into a model with its calibration and
 * content digest; {@code ModelFiles::read} in production. Throws EngineException (or any runtime
 * exception) with a one-line reason when the folder is refused.
 */
@FunctionalInterface
public interface ModelLoader {
    ModelFiles.Loaded load(Path versionDir, long memoryBudget);
}
