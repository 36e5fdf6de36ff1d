package dev.quantumliquid.server.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A place that holds a model repository's files under '/'-separated keys: a folder or an
 * S3-compatible bucket prefix. Failures to reach the store are {@link StoreException}s with one line
 * naming the store and the reason.
 */
public interface Store extends AutoCloseable {
    /** Where the store is, for messages: a folder path or {@code s3://bucket/prefix}. */
    String location();

    /** Every object whose key starts with {@code prefix} ("" for all), in key order. */
    List<StoredObject> list(String prefix);

    /** The whole content of a small object, empty when it does not exist; longer than {@code maxBytes} is refused. */
    Optional<byte[]> read(String key, long maxBytes);

    /** Copies an object into a local file (replacing it); refused when the object does not exist. */
    void download(String key, Path target);

    /** Stores a local file's content under {@code key}, tagged with its SHA-256 ({@link #sha256}). */
    void upload(Path source, String key, String sha256);

    /** Stores bytes under {@code key}, tagged with their SHA-256. */
    void write(String key, byte[] content, String sha256);

    /** The SHA-256 recorded when the object was written (or computed, for a file); empty when absent or unknown. */
    Optional<String> sha256(String key);

    /** Removes an object; absent is not an error. */
    void delete(String key);

    /** Removes a whole version folder, model.json first so that it stops being complete before anything else goes. */
    void deleteVersion(String model, long version);

    /**
     * Opens the writing of one version folder ({@code model/version}): files first, model.json last
     * on {@link VersionWriter#commit}, so a reader never sees a half-written version as complete.
     */
    VersionWriter writeVersion(String model, long version);

    @Override
    void close();
}
