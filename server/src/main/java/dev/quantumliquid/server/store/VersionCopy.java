package dev.quantumliquid.server.store;

import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.signing.TrustedKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Copies one version from a folder of a store into a {@link VersionWriter}: every file model.json
 * pins is downloaded to a scratch file, checked against its SHA-256 and written, skipping files the
 * destination already has with that digest; then signature.json and model.json. A version that fails
 * a check is refused whole ({@link Refused}) and nothing of it becomes visible.
 */
public final class VersionCopy {
    /** A version refused for its content: a checksum or signature that does not hold, a file missing at the source. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** What one copy moved. */
    public record Moved(int files, long bytes) {
    }

    private final Path scratch;
    private final Optional<TrustedKeys> trust;

    /** {@code scratch}: a folder for downloads in flight; {@code trust}: keys the version must be signed by, if any. */
    public VersionCopy(Path scratch, Optional<TrustedKeys> trust) {
        this.scratch = scratch;
        this.trust = trust;
    }

    /** model.json and signature.json (if any) of the version folder {@code dir} ("" or ending in '/'); empty model.json when absent. */
    public static Optional<byte[]> read(Store src, String key) {
        return src.read(key, ModelFiles.MAX_MODEL_JSON_BYTES);
    }

    /** Where a file of the version is in the source store: by name in a version folder, by digest in a backup. */
    @FunctionalInterface
    public interface KeyOf {
        String key(String file, String sha256);
    }

    /**
     * Copies the version under {@code srcDir} of {@code src} (model.json bytes already read) into
     * {@code out}. {@code where} names the version in messages.
     */
    public Moved copy(Store src, String srcDir, byte[] modelJson, Optional<byte[]> signature, VersionWriter out, String where)
            throws Refused {
        return copy(src, (file, digest) -> srcDir + file, modelJson, signature, out, where);
    }

    /** As {@link #copy(Store, String, byte[], Optional, VersionWriter, String)}, each file found at {@code keyOf}. */
    public Moved copy(Store src, KeyOf keyOf, byte[] modelJson, Optional<byte[]> signature, VersionWriter out, String where)
            throws Refused {
        if (trust.isPresent()) {
            Optional<String> problem = trust.get().problem(modelJson, signature);
            if (problem.isPresent()) {
                throw new Refused(where + ": " + problem.get());
            }
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.parse(modelJson, where);
        } catch (StoreException e) {
            throw new Refused(e.getMessage());
        }
        int files = 0;
        long bytes = 0;
        for (Map.Entry<String, String> f : manifest.checksums().entrySet()) {
            if (out.has(f.getKey(), f.getValue())) {
                continue;
            }
            Path tmp = tempFile();
            try {
                try {
                    src.download(keyOf.key(f.getKey(), f.getValue()), tmp);
                } catch (StoreException e) {
                    if (e.getMessage().endsWith(": missing")) {
                        throw new Refused(where + ": " + f.getKey() + " is listed in model.json but missing at the source");
                    }
                    throw e;
                }
                String got = Digests.sha256(tmp);
                if (!got.equals(f.getValue())) {
                    throw new Refused(where + ": " + f.getKey() + ": checksum mismatch: model.json says sha256 " + f.getValue()
                            + ", the source has " + got);
                }
                out.put(f.getKey(), tmp, got);
                files++;
                bytes += Files.size(tmp);
            } catch (IOException e) {
                throw new StoreException(tmp + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
        out.commit(modelJson, signature);
        return new Moved(files + 1 + (signature.isPresent() ? 1 : 0), bytes + modelJson.length + signature.map(b -> b.length).orElse(0));
    }

    private Path tempFile() {
        try {
            Files.createDirectories(scratch);
            return Files.createTempFile(scratch, "download", ".part");
        } catch (IOException e) {
            throw new StoreException(scratch + ": cannot create a scratch file (" + e.getMessage() + ")", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a scratch file left behind is removed with the scratch folder
        }
    }
}
