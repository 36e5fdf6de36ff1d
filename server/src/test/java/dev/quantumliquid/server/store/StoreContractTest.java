package dev.quantumliquid.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same behaviour from a folder and from a bucket of a real S3Proxy. */
class StoreContractTest {
    @TempDir
    static Path shared;
    static S3ProxyFixture s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyFixture.start(shared.resolve("s3proxy"));
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Test
    void folder() throws Exception {
        try (Store s = new FolderStore(tmp.resolve("folder"))) {
            contract(s);
        }
    }

    @Test
    void bucket() throws Exception {
        try (Store s = s3.open(s3.createBucket("contract") + "/some/prefix")) {
            contract(s);
        }
    }

    private void contract(Store s) throws Exception {
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        String d = Digests.sha256(hello);
        assertThat(s.list("")).isEmpty();
        assertThat(s.read("m/1/x", 100)).isEmpty();
        assertThat(s.sha256("m/1/x")).isEmpty();
        s.write("m/1/x", hello, d);
        Path f = Files.writeString(tmp.resolve("big"), "0123456789".repeat(1000));
        s.upload(f, "m/1/y", Digests.sha256(f));
        assertThat(s.list("").stream().map(StoredObject::key).toList()).containsExactly("m/1/x", "m/1/y");
        assertThat(s.list("m/1/y").get(0).size()).isEqualTo(10_000);
        assertThat(s.read("m/1/x", 100)).hasValue(hello);
        assertThatThrownBy(() -> s.read("m/1/y", 100)).isInstanceOf(StoreException.class).hasMessageContaining("more than the 100");
        assertThat(s.sha256("m/1/x")).as("the digest travels with the object").hasValue(d);
        s.download("m/1/y", tmp.resolve("back"));
        assertThat(Files.readString(tmp.resolve("back"))).isEqualTo(Files.readString(f));
        assertThatThrownBy(() -> s.download("m/1/nope", tmp.resolve("n"))).isInstanceOf(StoreException.class).hasMessageEndingWith(": missing");

        VersionWriter w = s.writeVersion("m", 2);
        assertThat(w.has("y", Digests.sha256(f))).isFalse();
        w.put("y", f, Digests.sha256(f));
        assertThat(Listing.of(s.list("")).complete()).as("not complete before model.json").containsExactly();
        w.commit("{}".getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertThat(Listing.of(s.list("")).complete()).containsExactly(new VersionRef("m", 2));
        assertThat(s.writeVersion("m", 2).has("y", Digests.sha256(f))).as("a rerun finds the file").isTrue();

        s.deleteVersion("m", 2);
        s.delete("m/1/x");
        s.delete("m/1/absent");
        assertThat(s.list("").stream().map(StoredObject::key).toList()).isEqualTo(List.of("m/1/y"));
        assertThat(Map.of("location", s.location())).isNotEmpty();
    }
}
