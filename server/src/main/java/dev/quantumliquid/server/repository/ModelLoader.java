package dev.quantumliquid.server.repository;

import dev.quantumliquid.engine.model.Model;
import java.nio.file.Path;

/**
 * Loads one version folder into a model; {@code ModelFiles::load} in production. Throws
 * EngineException (or any runtime exception) with a one-line reason when the folder is refused.
 */
@FunctionalInterface
public interface ModelLoader {
    Model load(Path versionDir);
}
