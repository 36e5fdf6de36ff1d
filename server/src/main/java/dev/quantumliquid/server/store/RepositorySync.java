package dev.quantumliquid.server.store;

import dev.quantumliquid.server.signing.TrustedKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;

/**
 * Mirrors one model repository into another (folder or bucket, either way): complete versions only,
 * each file checked against model.json's SHA-256 and copied only when the destination lacks it,
 * model.json last; versions missing at the source are deleted at the destination only when asked.
 * One instance remembers what it copied, so a repeated run (sync --watch, the server's poller) reads
 * nothing but the two listings when nothing changed.
 */
public final class RepositorySync {
    /** What a run did. {@code refused}: one line per version not copied, with the reason. */
    public record Report(List<VersionRef> copied, int unchanged, List<String> refused, List<VersionRef> deleted, int files,
            long bytes) {
        public boolean changed() {
            return !copied.isEmpty() || !deleted.isEmpty();
        }

        public String summary() {
            return copied.size() + " version(s) copied (" + files + " file(s), " + bytes + " bytes), " + unchanged
                    + " unchanged, " + deleted.size() + " deleted, " + refused.size() + " refused";
        }
    }

    private final VersionCopy copier;
    private final boolean delete;
    /** Source tags (model.json, signature.json) of each version as last copied or found identical. */
    private final Map<VersionRef, String> known = new HashMap<>();

    public RepositorySync(Path scratch, Optional<TrustedKeys> trust, boolean delete) {
        this.copier = new VersionCopy(scratch, trust);
        this.delete = delete;
    }

    /** One pass from {@code src} to {@code dst}; a store that cannot be reached throws {@link StoreException}. */
    public Report run(Store src, Store dst) {
        return run(Listing.of(src.list("")), src, dst);
    }

    /** One pass given the source's listing (the caller already listed it). */
    public Report run(Listing source, Store src, Store dst) {
        Listing target = Listing.of(dst.list(""));
        List<VersionRef> copied = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<VersionRef> deleted = new ArrayList<>();
        int unchanged = 0;
        int files = 0;
        long bytes = 0;
        for (VersionRef v : source.complete()) {
            Map<String, StoredObject> f = source.files(v);
            String tag = f.get(Listing.MODEL_JSON).tag() + "|" + Optional.ofNullable(f.get(Listing.SIGNATURE_JSON))
                    .map(StoredObject::tag).orElse("");
            boolean atTarget = target.files(v).containsKey(Listing.MODEL_JSON);
            if (atTarget && tag.equals(known.get(v))) {
                unchanged++;
                continue;
            }
            Optional<byte[]> modelJson = VersionCopy.read(src, v.dir() + Listing.MODEL_JSON);
            if (modelJson.isEmpty()) {
                continue; // deleted since the listing
            }
            Optional<byte[]> sig = f.containsKey(Listing.SIGNATURE_JSON)
                    ? VersionCopy.read(src, v.dir() + Listing.SIGNATURE_JSON) : Optional.empty();
            StoredObject targetSig = target.files(v).get(Listing.SIGNATURE_JSON);
            boolean sigSame = sig.isEmpty() ? targetSig == null
                    : targetSig != null && sameAtTarget(sig.get(), targetSig, dst, v.dir() + Listing.SIGNATURE_JSON);
            if (atTarget && sigSame && sameAtTarget(modelJson.get(), target.files(v).get(Listing.MODEL_JSON), dst,
                    v.dir() + Listing.MODEL_JSON)) {
                known.put(v, tag);
                unchanged++;
                continue;
            }
            try {
                VersionCopy.Moved m = copier.copy(src, v.dir(), modelJson.get(), sig, dst.writeVersion(v.model(), v.version()),
                        src.location() + " " + v);
                known.put(v, tag);
                copied.add(v);
                files += m.files();
                bytes += m.bytes();
            } catch (VersionCopy.Refused e) {
                known.remove(v);
                refused.add(e.getMessage());
            }
        }
        if (delete) {
            for (VersionRef v : target.versions().keySet()) {
                if (!source.versions().containsKey(v)) { // a version still uploading at the source stays
                    dst.deleteVersion(v.model(), v.version());
                    known.remove(v);
                    deleted.add(v);
                }
            }
        }
        return new Report(List.copyOf(copied), unchanged, List.copyOf(refused), List.copyOf(deleted), files, bytes);
    }

    /**
     * Whether the destination's object has these bytes: an S3 ETag of a single-part upload is the
     * content's MD5, which spares the GET; otherwise (a folder, a multipart or encrypted object) it is read.
     */
    private static boolean sameAtTarget(byte[] content, StoredObject atTarget, Store dst, String key) {
        if (atTarget.tag().equals("\"" + md5(content) + "\"")) {
            return true;
        }
        return same(Optional.of(content), VersionCopy.read(dst, key));
    }

    private static String md5(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    private static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
        return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
    }
}
