package dev.quantumliquid.server.store;

/**
 * One object of a store: its key (relative to the store's root, '/'-separated), size and a tag that
 * changes whenever the content may have changed (the ETag of a bucket object, size and modification
 * time of a file).
 */
public record StoredObject(String key, long size, String tag) {
}
