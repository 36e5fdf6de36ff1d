package dev.quantumliquid.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.store.FolderStore;
import dev.quantumliquid.server.store.Listing;
import dev.quantumliquid.server.store.VersionRef;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, point-in-time choice and retention, on folders (the bucket path is covered by the CLI tests). */
class BackupsTest {
    @TempDir
    Path tmp;

    private static final List<Instant> TIMES = List.of(
            Instant.parse("2026-12-01T10:05:00Z"), Instant.parse("2026-12-01T10:40:00Z"), Instant.parse("2026-12-01T11:10:00Z"),
            Instant.parse("2026-12-02T09:00:00Z"), Instant.parse("2026-12-02T09:30:00Z"), Instant.parse("2026-12-03T12:00:00Z"));

    private Backups sixSnapshots(Path repo, FolderStore backupStore) {
        Backups b = new Backups(backupStore, tmp.resolve("scratch"));
        for (int i = 0; i < TIMES.size(); i++) {
            TestModels.dense(repo.resolve("demo/" + (i + 1)), "demo", 0.1f * i);
            b.backup(new FolderStore(repo), Clock.fixed(TIMES.get(i), ZoneOffset.UTC));
        }
        return b;
    }

    @Test
    void restoreTakesTheLastSnapshotAtOrBeforeTheInstant() {
        Path repo = tmp.resolve("repo");
        Backups b = sixSnapshots(repo, new FolderStore(tmp.resolve("backup")));
        assertThat(b.at(Instant.parse("2026-12-01T10:39:59Z")).time()).isEqualTo(TIMES.get(0));
        assertThat(b.at(TIMES.get(1)).time()).isEqualTo(TIMES.get(1));
        assertThat(b.at(Instant.parse("2030-01-01T00:00:00Z")).time()).isEqualTo(TIMES.get(5));
        FolderStore target = new FolderStore(tmp.resolve("restored"));
        Backups.Restored r = b.restore(Instant.parse("2026-12-02T09:10:00Z"), target);
        assertThat(r.snapshot().time()).isEqualTo(TIMES.get(3));
        assertThat(Listing.of(target.list("")).complete()).containsExactly(
                new VersionRef("demo", 1), new VersionRef("demo", 2), new VersionRef("demo", 3), new VersionRef("demo", 4));
    }

    @Test
    void pruneKeepsTheNewestOfEachRecentHourAndDayAndCollectsUnreferencedContent() throws Exception {
        Path repo = tmp.resolve("repo");
        FolderStore store = new FolderStore(tmp.resolve("backup"));
        Backups b = sixSnapshots(repo, store);
        long blobsBefore = store.list("blobs/").size();

        assertThat(b.prune(3, 3)).containsExactly(TIMES.get(0), TIMES.get(1), TIMES.get(3));
        assertThat(b.list().stream().map(Backups.Entry::time).toList()).containsExactly(TIMES.get(2), TIMES.get(4), TIMES.get(5));
        assertThat(b.prune(2, 2)).containsExactly(TIMES.get(2));
        assertThat(b.list().stream().map(Backups.Entry::time).toList()).containsExactly(TIMES.get(4), TIMES.get(5));
        assertThat(b.prune(0, 0)).as("the newest snapshot always stays").containsExactly(TIMES.get(4));

        // Every blob left is named by the remaining snapshot, and it restores completely.
        assertThat(store.list("blobs/").size()).isLessThanOrEqualTo((int) blobsBefore).isEqualTo(b.at(TIMES.get(5)).files());
        FolderStore target = new FolderStore(tmp.resolve("restored"));
        b.restore(TIMES.get(5), target);
        List<String> want = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            want.add("demo/" + i + "/model.json");
            want.add("demo/" + i + "/weights.safetensors");
        }
        assertThat(target.list("").stream().map(o -> o.key()).sorted().toList()).containsExactlyInAnyOrderElementsOf(want);
        for (String k : want) {
            assertThat(Files.readAllBytes(target.root().resolve(k))).isEqualTo(Files.readAllBytes(repo.resolve(k)));
        }
    }
}
