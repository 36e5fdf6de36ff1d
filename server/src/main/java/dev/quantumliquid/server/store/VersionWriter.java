package dev.quantumliquid.server.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes one version of a model into a store. Files already present with the wanted digest (from an
 * interrupted earlier run, or an unchanged file of a replaced version) are kept, so a copy resumes
 * where it stopped; {@link #commit} writes signature.json then model.json and makes the version
 * visible as complete.
 */
public interface VersionWriter {
    /** Whether the file is already there with this SHA-256 (then it need not be transferred). */
    boolean has(String file, String sha256);

    /** Adds a file (its digest was checked by the caller). */
    void put(String file, Path local, String sha256);

    /** Writes the signature (when there is one), then model.json, and publishes the version. */
    void commit(byte[] modelJson, Optional<byte[]> signature);
}
