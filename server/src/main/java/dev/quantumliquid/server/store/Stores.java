package dev.quantumliquid.server.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Opens a store from a repository location: {@code s3://bucket/prefix}, {@code file:///path} or a folder path. */
public final class Stores {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

    private Stores() {
    }

    /** Whether {@code location} names a bucket rather than a folder. */
    public static boolean isBucket(String location) {
        return location.startsWith("s3://");
    }

    /**
     * The store at {@code location}; {@code field} names the flag or variable in the one-line error
     * for a malformed location.
     */
    public static Store open(String field, String location, S3Settings settings) {
        if (isBucket(location)) {
            String rest = location.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (!BUCKET.matcher(bucket).matches()) {
                throw new StoreException(field + ": '" + bucket + "' is not a bucket name (3-63 of a-z 0-9 . -), in '" + location + "'");
            }
            if (prefix.contains("//") || prefix.startsWith("/") || prefix.contains("\\") || prefix.contains("..")) {
                throw new StoreException(field + ": prefix '" + prefix + "' must be '/'-separated names, in '" + location + "'");
            }
            return new S3Store(S3Store.client(settings), bucket, prefix);
        }
        return new FolderStore(folder(field, location));
    }

    /** The folder of a {@code file://} URI or a plain path. */
    public static Path folder(String field, String location) {
        if (location.startsWith("file:")) {
            try {
                return Path.of(new URI(location));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new StoreException(field + ": '" + location + "' is not a file:// URI of a folder (" + e.getMessage() + ")");
            }
        }
        if (location.isBlank() || location.indexOf('\0') >= 0 || location.matches("[A-Za-z][A-Za-z0-9+.\\-]*://.*")) {
            throw new StoreException(field + ": must be a folder, file:///folder or s3://bucket/prefix, got '" + location + "'");
        }
        return Path.of(location);
    }
}
