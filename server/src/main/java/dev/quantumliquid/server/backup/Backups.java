package dev.quantumliquid.server.backup;

import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.store.Digests;
import dev.quantumliquid.server.store.Listing;
import dev.quantumliquid.server.store.ModelManifest;
import dev.quantumliquid.server.store.Store;
import dev.quantumliquid.server.store.StoreException;
import dev.quantumliquid.server.store.StoredObject;
import dev.quantumliquid.server.store.VersionCopy;
import dev.quantumliquid.server.store.VersionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Backups of a model repository in a store: immutable snapshots plus content-addressed blobs, so a
 * daily backup transfers only files the backup does not hold yet; point-in-time restore of the last
 * snapshot at or before an instant, every digest checked; pruning by a retention policy.
 */
public final class Backups {
    /** What a backup did. */
    public record Result(Snapshot snapshot, int blobsUploaded, long bytesUploaded, List<String> skipped) {
    }

    /** What a restore did. */
    public record Restored(Snapshot snapshot, int versions, int filesCopied, List<VersionRef> deleted) {
    }

    /** One snapshot as listed: its time and size. */
    public record Entry(Instant time, int versions, int files) {
    }

    private final Store backup;
    private final Path scratch;

    public Backups(Store backup, Path scratch) {
        this.backup = backup;
        this.scratch = scratch;
    }

    /**
     * Writes a snapshot of every complete version of {@code source} at {@code clock}'s instant. A
     * version whose files fail their digests is left out and named in {@link Result#skipped}.
     */
    public Result backup(Store source, Clock clock) {
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String key = Snapshot.key(time);
        Set<String> blobs = new HashSet<>();
        for (StoredObject o : backup.list(Snapshot.BLOBS)) {
            blobs.add(o.key().substring(Snapshot.BLOBS.length()));
        }
        Listing listing = Listing.of(source.list(""));
        TreeMap<VersionRef, Map<String, String>> versions = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        int uploaded = 0;
        long bytes = 0;
        for (VersionRef v : listing.complete()) {
            Optional<byte[]> modelJson = source.read(v.dir() + Listing.MODEL_JSON, ModelFiles.MAX_MODEL_JSON_BYTES);
            if (modelJson.isEmpty()) {
                continue;
            }
            TreeMap<String, String> files = new TreeMap<>();
            try {
                files.putAll(ModelManifest.parse(modelJson.get(), source.location() + v.dir()).checksums());
            } catch (StoreException e) {
                skipped.add(e.getMessage());
                continue;
            }
            Map<String, byte[]> small = new TreeMap<>();
            small.put(Listing.MODEL_JSON, modelJson.get());
            if (listing.files(v).containsKey(Listing.SIGNATURE_JSON)) {
                source.read(v.dir() + Listing.SIGNATURE_JSON, ModelFiles.MAX_MODEL_JSON_BYTES).ifPresent(s -> small.put(Listing.SIGNATURE_JSON, s));
            }
            try {
                Map<String, String> newBlobs = new TreeMap<>();
                for (Map.Entry<String, String> f : files.entrySet()) {
                    if (!blobs.contains(f.getValue()) && !newBlobs.containsValue(f.getValue())) {
                        bytes += uploadBlob(source, v.dir() + f.getKey(), f.getValue(), v + ": " + f.getKey());
                        newBlobs.put(f.getKey(), f.getValue());
                    }
                }
                for (Map.Entry<String, byte[]> s : small.entrySet()) {
                    String d = Digests.sha256(s.getValue());
                    files.put(s.getKey(), d);
                    if (!blobs.contains(d) && !newBlobs.containsValue(d)) {
                        backup.write(Snapshot.blob(d), s.getValue(), d);
                        bytes += s.getValue().length;
                        newBlobs.put(s.getKey(), d);
                    }
                }
                blobs.addAll(newBlobs.values());
                uploaded += newBlobs.size();
                versions.put(v, files);
            } catch (VersionCopy.Refused e) {
                skipped.add(e.getMessage());
            }
        }
        Snapshot snap = new Snapshot(time, source.location(), versions);
        if (backup.read(key, 1).isPresent()) {
            throw new StoreException(backup.location() + key + " exists; snapshots are never overwritten");
        }
        backup.write(key, snap.toJson(), Digests.sha256(snap.toJson())); // last: a snapshot names only blobs already stored
        return new Result(snap, uploaded, bytes, List.copyOf(skipped));
    }

    private long uploadBlob(Store source, String key, String sha256, String where) throws VersionCopy.Refused {
        Path tmp = tempFile();
        try {
            source.download(key, tmp);
            String got = Digests.sha256(tmp);
            if (!got.equals(sha256)) {
                throw new VersionCopy.Refused(source.location() + where + ": checksum mismatch: model.json says sha256 " + sha256
                        + ", the source has " + got);
            }
            backup.upload(tmp, Snapshot.blob(sha256), sha256);
            return Files.size(tmp);
        } catch (IOException e) {
            throw new StoreException(tmp + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // left in the scratch folder
            }
        }
    }

    private Path tempFile() {
        try {
            Files.createDirectories(scratch);
            return Files.createTempFile(scratch, "backup", ".part");
        } catch (IOException e) {
            throw new StoreException(scratch + ": cannot create a scratch file (" + e.getMessage() + ")", e);
        }
    }

    /** Every snapshot, oldest first. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (String k : snapshotKeys()) {
            Snapshot s = load(k);
            out.add(new Entry(s.time(), s.versions().size(), s.files()));
        }
        return out;
    }

    private List<String> snapshotKeys() {
        return Snapshot.sortedKeys(backup.list(Snapshot.SNAPSHOTS).stream().map(StoredObject::key).toList());
    }

    private Snapshot load(String key) {
        byte[] json = backup.read(key, 256L << 20).orElseThrow(() -> new StoreException(backup.location() + key + ": missing"));
        return Snapshot.parse(json, backup.location() + key);
    }

    /** The last snapshot taken at or before {@code at}. */
    public Snapshot at(Instant at) {
        Snapshot found = null;
        for (String k : snapshotKeys()) {
            Snapshot s = load(k);
            if (!s.time().isAfter(at)) {
                found = s;
            }
        }
        if (found == null) {
            throw new StoreException("--at: no snapshot in " + backup.location() + " at or before " + at);
        }
        return found;
    }

    /**
     * Makes {@code target} hold exactly the repository of the last snapshot at or before {@code at}:
     * its versions written (every file checked against its digest, model.json last), other versions
     * removed.
     */
    public Restored restore(Instant at, Store target) {
        Snapshot s = at(at);
        VersionCopy copier = new VersionCopy(scratch, Optional.empty());
        int files = 0;
        for (Map.Entry<VersionRef, Map<String, String>> v : s.versions().entrySet()) {
            byte[] modelJson = blobBytes(v.getValue().get(Listing.MODEL_JSON), v.getKey());
            Optional<byte[]> sig = Optional.ofNullable(v.getValue().get(Listing.SIGNATURE_JSON)).map(d -> blobBytes(d, v.getKey()));
            try {
                files += copier.copy(backup, (file, digest) -> Snapshot.blob(digest), modelJson, sig,
                        target.writeVersion(v.getKey().model(), v.getKey().version()), backup.location() + " " + v.getKey()).files();
            } catch (VersionCopy.Refused e) {
                throw new StoreException("restore stopped: " + e.getMessage());
            }
        }
        List<VersionRef> deleted = new ArrayList<>();
        for (VersionRef v : Listing.of(target.list("")).versions().keySet()) {
            if (!s.versions().containsKey(v)) {
                target.deleteVersion(v.model(), v.version());
                deleted.add(v);
            }
        }
        return new Restored(s, s.versions().size(), files, List.copyOf(deleted));
    }

    private byte[] blobBytes(String sha256, VersionRef v) {
        if (sha256 == null) {
            throw new StoreException(backup.location() + ": snapshot lists " + v + " without model.json");
        }
        byte[] b = backup.read(Snapshot.blob(sha256), ModelFiles.MAX_MODEL_JSON_BYTES)
                .orElseThrow(() -> new StoreException(backup.location() + Snapshot.blob(sha256) + ": missing (" + v + ")"));
        if (!Digests.sha256(b).equals(sha256)) {
            throw new StoreException(backup.location() + Snapshot.blob(sha256) + ": content does not match its digest (" + v + ")");
        }
        return b;
    }

    /**
     * Retention: keeps the newest snapshot of each of the {@code hourly} most recent hours and of
     * each of the {@code daily} most recent days (UTC) that have one, and always the newest; removes
     * the other snapshots, then every blob no kept snapshot names. Returns the removed snapshots' times.
     * Must not run while a backup writes to the same place (the Kubernetes CronJob forbids overlap).
     */
    public List<Instant> prune(int hourly, int daily) {
        List<String> keys = snapshotKeys();
        List<Snapshot> snaps = new ArrayList<>();
        for (String k : keys) {
            snaps.add(load(k));
        }
        Set<Instant> keep = new LinkedHashSet<>();
        if (!snaps.isEmpty()) {
            keep.add(snaps.get(snaps.size() - 1).time());
        }
        keepNewestPer(snaps, ChronoUnit.HOURS, hourly, keep);
        keepNewestPer(snaps, ChronoUnit.DAYS, daily, keep);
        List<Instant> removed = new ArrayList<>();
        Set<String> referenced = new HashSet<>();
        for (int i = 0; i < snaps.size(); i++) {
            Snapshot s = snaps.get(i);
            if (keep.contains(s.time())) {
                s.versions().values().forEach(f -> referenced.addAll(f.values()));
            } else {
                backup.delete(keys.get(i));
                removed.add(s.time());
            }
        }
        for (StoredObject o : backup.list(Snapshot.BLOBS)) {
            if (!referenced.contains(o.key().substring(Snapshot.BLOBS.length()))) {
                backup.delete(o.key());
            }
        }
        return removed;
    }

    private static void keepNewestPer(List<Snapshot> oldestFirst, ChronoUnit unit, int count, Set<Instant> keep) {
        Set<Instant> periods = new HashSet<>();
        for (int i = oldestFirst.size() - 1; i >= 0 && periods.size() < count; i--) {
            Instant t = oldestFirst.get(i).time();
            Instant period = t.atZone(ZoneOffset.UTC).truncatedTo(unit).toInstant();
            if (periods.add(period)) {
                keep.add(t);
            }
        }
    }
}
