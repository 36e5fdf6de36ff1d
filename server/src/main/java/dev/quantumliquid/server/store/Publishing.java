package dev.quantumliquid.server.store;

import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.signing.TrustedKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code qlnn push} and {@code qlnn pull}: one model version between a local folder and a repository
 * ({@code s3://bucket/prefix/NAME/VERSION} or {@code folder/NAME/VERSION}). Both check every file
 * against model.json's SHA-256 and write model.json last; both resume an interrupted run without
 * moving again what already arrived.
 */
public final class Publishing {
    /** A version's place: the repository it belongs to and its name and number there. */
    public record Target(String repository, VersionRef version) {
        /** Parses {@code REPOSITORY/NAME/VERSION}; {@code field} names the flag in the one-line error. */
        public static Target parse(String field, String location) {
            String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
            int v = trimmed.lastIndexOf('/');
            int n = v <= 0 ? -1 : trimmed.lastIndexOf('/', v - 1);
            if (n < 0) {
                throw new StoreException(field + ": must end in /NAME/VERSION, got '" + location + "'");
            }
            String name = trimmed.substring(n + 1, v);
            OptionalLong version = Names.parseVersion(trimmed.substring(v + 1));
            if (!Names.isValidName(name) || version.isEmpty()) {
                throw new StoreException(field + ": must end in /NAME/VERSION (NAME of [A-Za-z0-9._-], VERSION a positive integer), got '"
                        + location + "'");
            }
            String repo = trimmed.substring(0, n);
            if (repo.equals("s3:/") || repo.isEmpty()) {
                throw new StoreException(field + ": no repository before /NAME/VERSION in '" + location + "'");
            }
            return new Target(repo, new VersionRef(name, version.getAsLong()));
        }
    }

    private Publishing() {
    }

    /**
     * Uploads the version folder {@code modelDir} to {@code version} of {@code dst}: files first,
     * model.json last. An existing complete version is refused unless {@code force}.
     */
    public static VersionCopy.Moved push(Path modelDir, Store dst, VersionRef version, boolean force, Path scratch) {
        FolderStore src = new FolderStore(modelDir);
        byte[] modelJson = VersionCopy.read(src, Listing.MODEL_JSON).orElseThrow(() -> new StoreException(
                "--model: " + modelDir.resolve(Listing.MODEL_JSON) + " is missing (a model version folder holds model.json)"));
        Optional<byte[]> sig = Files.isRegularFile(modelDir.resolve(Listing.SIGNATURE_JSON))
                ? VersionCopy.read(src, Listing.SIGNATURE_JSON) : Optional.empty();
        if (!force && dst.read(version.dir() + Listing.MODEL_JSON, 1L << 24).isPresent()) {
            throw new StoreException(dst.location() + version.dir() + " exists (" + version
                    + "); versions are immutable: push a new version number, or --force to replace it");
        }
        try {
            return new VersionCopy(scratch, Optional.empty()).copy(src, "", modelJson, sig,
                    dst.writeVersion(version.model(), version.version()), modelDir.toString());
        } catch (VersionCopy.Refused e) {
            throw new StoreException(e.getMessage());
        }
    }

    /** Downloads {@code version} of {@code src} into {@code out}, checking digests (and the signature, when {@code trust} is given). */
    public static VersionCopy.Moved pull(Store src, VersionRef version, Path out, Optional<TrustedKeys> trust, Path scratch) {
        byte[] modelJson = VersionCopy.read(src, version.dir() + Listing.MODEL_JSON).orElseThrow(() -> new StoreException(
                "--from: " + src.location() + version.dir() + " has no model.json (no such version, or not completely uploaded)"));
        Optional<byte[]> sig = VersionCopy.read(src, version.dir() + Listing.SIGNATURE_JSON);
        try {
            return new VersionCopy(scratch, trust).copy(src, version.dir(), modelJson, sig, FolderStore.folderWriter(out),
                    src.location() + version.dir());
        } catch (VersionCopy.Refused e) {
            throw new StoreException(e.getMessage());
        }
    }
}
