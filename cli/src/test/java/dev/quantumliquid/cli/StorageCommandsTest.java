package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.store.S3ProxyFixture;
import dev.quantumliquid.server.store.Store;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push, pull, sync, keygen --signing, sign, backup and restore against a real S3Proxy. */
class StorageCommandsTest {
    @TempDir
    static Path shared;
    static S3ProxyFixture s3;
    static Map<String, String> env;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyFixture.start(shared.resolve("s3proxy"));
        env = s3.environment();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    private static Cli.Run qlnn(String... args) {
        return Cli.run(env, args);
    }

    /** Every file under {@code dir} (relative path to bytes' digest), hidden ones included: for bit-for-bit comparisons. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), dev.quantumliquid.server.store.Digests.sha256(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** qlnn in a child process (to be killed), talking to this S3Proxy, its output in {@code log}. */
    private static Process child(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void pushThenPullGivesTheSameBitsAndAnExistingVersionIsRefusedWithoutForce() {
        String repo = s3.createBucket("push") + "/prod";
        Path model = TestModels.dense(tmp.resolve("demo"), "demo", 0.1f);
        Cli.Run push = qlnn("push", "--model", model.toString(), "--to", repo + "/demo/1");
        assertThat(push.code()).as(push.err()).isZero();
        assertThat(push.out()).contains("pushed demo version 1");

        Cli.Run again = qlnn("push", "--model", model.toString(), "--to", repo + "/demo/1");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.errLines()).hasSize(1);
        assertThat(again.err()).contains("exists").contains("--force");
        assertThat(qlnn("push", "--model", model.toString(), "--to", repo + "/demo/1", "--force").code()).isZero();

        Cli.Run pull = qlnn("pull", "--from", repo + "/demo/1", "--out", tmp.resolve("pulled").toString());
        assertThat(pull.code()).as(pull.err()).isZero();
        assertThat(tree(tmp.resolve("pulled"))).isEqualTo(tree(model));
        Cli.Run twice = qlnn("pull", "--from", repo + "/demo/1", "--out", tmp.resolve("pulled").toString());
        assertThat(twice.out()).as("nothing is downloaded again but model.json").contains("1 file(s) written");

        Cli.Run missing = qlnn("pull", "--from", repo + "/demo/7", "--out", tmp.resolve("x").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no model.json");
        Cli.Run bad = qlnn("push", "--model", model.toString(), "--to", "s3://Bad_Bucket/demo/1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--to").contains("not a bucket name");
    }

    @Test
    void aPushKilledMidUploadLeavesNoVersionAndTheNextPushResumesWithoutResendingWhatArrived() throws Exception {
        String repo = s3.createBucket("resume") + "/prod";
        Path model = TestModels.dense(tmp.resolve("big"), "big", 0.1f);
        // Two large extra files pinned by model.json, so the upload takes long enough to be cut.
        Random r = new Random(7);
        byte[] a = new byte[8 << 20];
        byte[] b = new byte[160 << 20];
        r.nextBytes(a);
        r.nextBytes(b);
        Files.write(model.resolve("a.bin"), a);
        Files.write(model.resolve("b.bin"), b);
        String json = Files.readString(model.resolve("model.json"));
        json = json.replace("\"checksums\" : {", "\"checksums\" : {\n    \"a.bin\" : \"" + dev.quantumliquid.server.store.Digests.sha256(a)
                + "\",\n    \"b.bin\" : \"" + dev.quantumliquid.server.store.Digests.sha256(b) + "\",");
        assertThat(json).contains("a.bin");
        Files.writeString(model.resolve("model.json"), json);

        Process p = child(tmp.resolve("push.log"), "push", "--model", model.toString(), "--to", repo + "/big/1");
        try (Store store = s3.open(repo)) {
            Await.until("a.bin uploaded", Duration.ofSeconds(60), () -> store.sha256("big/1/a.bin").isPresent() || !p.isAlive());
            boolean alive = p.isAlive();
            p.destroyForcibly().waitFor();
            String log = "alive at kill: " + alive + ", exit " + p.exitValue() + ", log: " + Files.readString(tmp.resolve("push.log"));
            assertThat(store.list("big/1/model.json")).as("killed before model.json: the version is not complete; " + log).isEmpty();
            assertThat(store.list("big/1/a.bin")).as(log).isNotEmpty();
        }
        Cli.Run resume = qlnn("push", "--model", model.toString(), "--to", repo + "/big/1");
        assertThat(resume.code()).as(resume.err()).isZero();
        assertThat(resume.out()).as("a.bin is not sent again: b.bin, weights, model.json").contains(": 3 file(s) written");
        assertThat(qlnn("pull", "--from", repo + "/big/1", "--out", tmp.resolve("back").toString()).code()).isZero();
        assertThat(tree(tmp.resolve("back"))).isEqualTo(tree(model));
    }

    @Test
    void syncMirrorsFolderToBucketToFolderCopiesNothingTwiceAndDeletesOnlyWhenAsked() throws Exception {
        Path primary = tmp.resolve("primary");
        TestModels.dense(primary.resolve("demo/1"), "demo", 0.1f);
        TestModels.dense(primary.resolve("demo/2"), "demo", 0.2f);
        TestModels.dense(primary.resolve("other/1"), "other", 0.3f);
        Files.createDirectories(primary.resolve("demo/3")); // being written: no model.json yet, not copied
        Files.writeString(primary.resolve("demo/3/weights.safetensors"), "partial");
        String region = s3.createBucket("region") + "/models";
        Path edge = tmp.resolve("edge");

        Cli.Run first = qlnn("sync", "--from", primary.toString(), "--to", region);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("3 version(s) copied").contains("0 unchanged");
        Cli.Run idle = qlnn("sync", "--from", primary.toString(), "--to", region);
        assertThat(idle.out()).contains("0 version(s) copied (0 file(s), 0 bytes), 3 unchanged");
        assertThat(qlnn("sync", "--from", region, "--to", edge.toString()).code()).isZero();
        Map<String, String> want = tree(primary);
        want.remove("demo/3/weights.safetensors");
        assertThat(tree(edge)).as("the edge copy is the primary's complete versions, bit for bit").isEqualTo(want);

        deleteTree(primary.resolve("other"));
        assertThat(qlnn("sync", "--from", primary.toString(), "--to", region).out()).contains("0 deleted");
        assertThat(qlnn("sync", "--from", primary.toString(), "--to", region, "--delete").out()).contains("1 deleted");
        assertThat(qlnn("sync", "--from", region, "--to", edge.toString(), "--delete").code()).isZero();
        assertThat(edge.resolve("other")).doesNotExist();
        assertThat(edge.resolve("demo/1/model.json")).exists();
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void syncWatchKeepsAnEdgeFolderInStepWithTheBucket() throws Exception {
        String region = s3.createBucket("watched") + "/models";
        Path edge = tmp.resolve("edge");
        Process p = child(tmp.resolve("watch.log"), "sync", "--from", region, "--to", edge.toString(), "--watch", "0.2", "--delete");
        try {
            Path v1 = TestModels.dense(tmp.resolve("v1"), "demo", 0.1f);
            assertThat(qlnn("push", "--model", v1.toString(), "--to", region + "/demo/1").code()).isZero();
            Await.until("version 1 at the edge", Duration.ofSeconds(60), () -> Files.exists(edge.resolve("demo/1/model.json")));
            Path v2 = TestModels.dense(tmp.resolve("v2"), "demo", 0.2f);
            assertThat(qlnn("push", "--model", v2.toString(), "--to", region + "/demo/2").code()).isZero();
            Await.until("version 2 at the edge", Duration.ofSeconds(60), () -> Files.exists(edge.resolve("demo/2/model.json")));
            try (Store store = s3.open(region)) {
                store.deleteVersion("demo", 1);
            }
            // A deleted version is renamed aside, then removed: wait until both steps are done, so a staging
            // folder that is never removed fails the wait.
            Await.until("version 1 and its staging folder removed at the edge", Duration.ofSeconds(60),
                    () -> List.of("2").equals(names(edge.resolve("demo"))));
            assertThat(tree(edge.resolve("demo/2"))).isEqualTo(tree(v2));
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    @Test
    void signedModelsPullAndSyncUnderTrustedKeysWhileUnsignedAndTamperedOnesAreRefused() throws Exception {
        Path keys = tmp.resolve("keys");
        Cli.Run gen = qlnn("keygen", "--signing", "--id", "release-1", "--out", keys.toString());
        assertThat(gen.code()).as(gen.err()).isZero();
        assertThat(Files.getPosixFilePermissions(keys.resolve("release-1.key"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Path trusted = Files.createDirectories(tmp.resolve("trusted"));
        Files.copy(keys.resolve("release-1.pub"), trusted.resolve("release-1.pub"));

        Path repo = tmp.resolve("repo");
        Path signed = TestModels.dense(repo.resolve("demo/1"), "demo", 0.1f);
        assertThat(qlnn("sign", "--model", signed.toString(), "--key", keys.resolve("release-1.key").toString()).code()).isZero();
        TestModels.dense(repo.resolve("demo/2"), "demo", 0.2f);
        Path tampered = TestModels.dense(repo.resolve("demo/3"), "demo", 0.3f);
        assertThat(qlnn("sign", "--model", tampered.toString(), "--key", keys.resolve("release-1.key").toString()).code()).isZero();
        String asSigned = Files.readString(tampered.resolve("model.json"));
        String edited = asSigned.replace("test dense model", "edited model");
        assertThat(edited).as("the edit changes model.json").isNotEqualTo(asSigned);
        Files.writeString(tampered.resolve("model.json"), edited);

        Cli.Run ok = qlnn("pull", "--from", repo + "/demo/1", "--out", tmp.resolve("ok").toString(), "--trusted-keys", trusted.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(tmp.resolve("ok/signature.json")).exists();
        Cli.Run unsigned = qlnn("pull", "--from", repo + "/demo/2", "--out", tmp.resolve("u").toString(), "--trusted-keys", trusted.toString());
        assertThat(unsigned.code()).isEqualTo(2);
        assertThat(unsigned.err()).contains("unsigned");
        assertThat(tmp.resolve("u/model.json")).doesNotExist();
        Map<String, String> withKeys = new HashMap<>(env);
        withKeys.put("QLNN_TRUSTED_KEYS", trusted.toString());
        Cli.Run bad = Cli.run(withKeys, "pull", "--from", repo + "/demo/3", "--out", tmp.resolve("b").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad signature");

        String bucket = s3.createBucket("trusted") + "/m";
        Cli.Run sync = Cli.run(withKeys, "sync", "--from", repo.toString(), "--to", bucket);
        assertThat(sync.code()).as("some versions were refused").isEqualTo(2);
        assertThat(sync.out()).contains("1 version(s) copied").contains("2 refused");
        assertThat(sync.err()).contains("demo version 2: unsigned").contains("demo version 3: bad signature");
    }

    /** The time in "snapshot <time>: ...". */
    private static Instant snapshotTime(Cli.Run backup) {
        String t = backup.out().split(" ")[1];
        return Instant.parse(t.substring(0, t.length() - 1));
    }

    @Test
    void backupTwiceMutateAndRestoreEachInstantBitForBit() throws Exception {
        Path repo = tmp.resolve("repo");
        TestModels.dense(repo.resolve("demo/1"), "demo", 0.1f);
        TestModels.dense(repo.resolve("other/1"), "other", 0.2f);
        TestModels.dense(repo.resolve("gone/1"), "gone", 0.5f);
        String backup = s3.createBucket("backup") + "/qlnn";
        Map<String, String> state1 = tree(repo);

        Cli.Run b1 = qlnn("backup", "--repository", repo.toString(), "--to", backup);
        assertThat(b1.code()).as(b1.err()).isZero();
        assertThat(b1.out()).contains("3 version(s), 6 file(s); uploaded 6 new file(s)");
        Instant t1 = snapshotTime(b1);

        // Mutate: a new version, a changed version, a removed model.
        TestModels.dense(repo.resolve("demo/2"), "demo", 0.3f);
        TestModels.dense(repo.resolve("demo/1"), "demo", 0.4f);
        deleteTree(repo.resolve("gone"));
        Map<String, String> state2 = tree(repo);
        Await.until("the clock moves past the first snapshot", Duration.ofSeconds(5), () -> Instant.now().isAfter(t1.plusMillis(2)));
        Cli.Run b2 = qlnn("backup", "--repository", repo.toString(), "--to", backup);
        assertThat(b2.code()).as(b2.err()).isZero();
        assertThat(b2.out()).as("only the changed files are uploaded").contains("3 version(s), 6 file(s); uploaded 4 new file(s)");
        Instant t2 = snapshotTime(b2);

        Cli.Run list = qlnn("backup", "list", "--from", backup);
        assertThat(list.outLines()).hasSize(2);
        assertThat(list.outLines().get(0)).startsWith(t1.toString());

        Path at1 = tmp.resolve("at1");
        assertThat(qlnn("restore", "--from", backup, "--at", t1.toString(), "--to", at1.toString()).code()).isZero();
        assertThat(tree(at1)).isEqualTo(state1);
        Path at2 = tmp.resolve("at2");
        assertThat(qlnn("restore", "--from", backup, "--at", t2.plusSeconds(3600).toString(), "--to", at2.toString()).code()).isZero();
        assertThat(tree(at2)).isEqualTo(state2);
        // Restoring the earlier instant over the later copy makes it exactly the earlier repository again.
        assertThat(qlnn("restore", "--from", backup, "--at", t1.toString(), "--to", at2.toString()).out()).contains("1 version(s) removed");
        assertThat(tree(at2)).isEqualTo(state1);
        // And into a bucket, then back out of it.
        String restored = s3.createBucket("restored") + "/m";
        assertThat(qlnn("restore", "--from", backup, "--at", t2.toString(), "--to", restored).code()).isZero();
        assertThat(qlnn("sync", "--from", restored, "--to", tmp.resolve("viaBucket").toString()).code()).isZero();
        assertThat(tree(tmp.resolve("viaBucket"))).isEqualTo(state2);

        Cli.Run before = qlnn("restore", "--from", backup, "--at", "2000-01-01T00:00:00Z", "--to", tmp.resolve("none").toString());
        assertThat(before.code()).isEqualTo(2);
        assertThat(before.err()).contains("--at: no snapshot");
        Cli.Run badTime = qlnn("restore", "--from", backup, "--at", "yesterday", "--to", tmp.resolve("none").toString());
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err()).contains("--at").contains("yesterday");
    }
}
