package dev.quantumliquid.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.app.QlnnServer;
import dev.quantumliquid.server.signing.ModelSignatures;
import dev.quantumliquid.server.signing.SigningKeys;
import dev.quantumliquid.testkit.Await;
import dev.quantumliquid.testkit.HttpProbe;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on an s3:// repository held by a real S3Proxy: serving, polling, outages, refused content. */
class BucketRepositoryTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
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

    private ServerConfig config(String repository, Path cache, Map<String, String> more) {
        return s3.serverConfig(repository, cache, Duration.ofMillis(200), more);
    }

    private void push(Store store, String name, long version, float seed) {
        Path dir = TestModels.dense(tmp.resolve("local").resolve(name + "-" + version), name, seed);
        Publishing.push(dir, store, new VersionRef(name, version), false, tmp.resolve("scratch"));
    }

    @Test
    void servesFromTheBucketAndSwitchesToAVersionUploadedWhileServingWithoutAFailedRequest() throws Exception {
        String repo = s3.createBucket("serve") + "/models";
        try (Store store = s3.open(repo)) {
            push(store, "demo", 1, 0.1f);
            try (QlnnServer server = QlnnServer.start(config(repo, tmp.resolve("cache"), Map.of()))) {
                HttpProbe http = new HttpProbe(server.port());
                assertThat(http.get("/ready").status()).isEqualTo(200);
                JsonNode first = http.infer("demo").json();
                assertThat(first.get("model_version").asText()).isEqualTo("1");
                assertThat(first.get("outputs").get(0).get("data").get(0).asDouble())
                        .isCloseTo(TestModels.denseFirstOutput(0.1f), org.assertj.core.data.Offset.offset(1e-5));

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger failed = new AtomicInteger();
                AtomicInteger answered = new AtomicInteger();
                Set<Long> seen = ConcurrentHashMap.newKeySet();
                AtomicLong firstV2At = new AtomicLong(Long.MAX_VALUE);
                Thread client = Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        long v = http.servedVersion("demo");
                        if (v < 0) {
                            failed.incrementAndGet();
                        } else {
                            seen.add(v);
                            if (v == 2) {
                                firstV2At.compareAndSet(Long.MAX_VALUE, System.nanoTime());
                            }
                        }
                        answered.incrementAndGet();
                    }
                });
                // Version 2 arrives the way a slow upload does: its weights first, model.json much later.
                Path v2 = TestModels.dense(tmp.resolve("v2"), "demo", 0.2f);
                store.upload(v2.resolve("weights.safetensors"), "demo/2/weights.safetensors",
                        Digests.sha256(v2.resolve("weights.safetensors")));
                int before = answered.get();
                Await.until("requests while version 2 is half uploaded", WAIT, () -> answered.get() > before + 100);
                assertThat(seen).containsOnly(1L);
                long modelJsonAt = System.nanoTime();
                store.write("demo/2/model.json", Files.readAllBytes(v2.resolve("model.json")),
                        Digests.sha256(Files.readAllBytes(v2.resolve("model.json"))));
                Await.until("version 2 served", WAIT, () -> seen.contains(2L));
                running.set(false);
                client.join();
                assertThat(failed.get()).as("failed requests while version 2 arrived").isZero();
                assertThat(seen).containsOnly(1L, 2L);
                assertThat(firstV2At.get()).as("version 2 served only after its model.json").isGreaterThan(modelJsonAt);
                assertThat(http.get("/health").json().get("reasons")).isEmpty();
            }
        }
    }

    @Test
    void keepsServingWhenTheStoreGoesAwayAndSaysWhyThenCatchesUp() {
        String repo = s3.createBucket("outage") + "/models";
        try (Store store = s3.open(repo)) {
            push(store, "demo", 1, 0.1f);
            try (QlnnServer server = QlnnServer.start(config(repo, tmp.resolve("cache"), Map.of()))) {
                HttpProbe http = new HttpProbe(server.port());
                assertThat(http.servedVersion("demo")).isEqualTo(1);
                s3.stop();
                try {
                    Await.until("/health degraded by the unreachable store", WAIT,
                            () -> http.get("/health").body().contains("unreachable, serving the cached copy"));
                    assertThat(http.get("/health").json().get("status").asText()).isEqualTo("degraded");
                    assertThat(http.servedVersion("demo")).as("the cached version still serves").isEqualTo(1);
                    assertThat(http.get("/ready").status()).isEqualTo(200);
                } finally {
                    s3.startAgain();
                }
                push(store, "demo", 2, 0.2f);
                Await.until("version 2 after the store came back", Duration.ofSeconds(90),
                        () -> http.servedVersion("demo") == 2);
                Await.until("/health healthy again", WAIT, () -> http.get("/health").json().get("reasons").isEmpty());
            }
        }
    }

    @Test
    void withTheStoreDownAtStartAnEmptyCacheIsNotReadyWithTheReasonAndAFullOneServes() {
        String repo = s3.createBucket("coldstart") + "/models";
        Path cache = tmp.resolve("cache");
        try (Store store = s3.open(repo)) {
            push(store, "demo", 1, 0.1f);
        }
        s3.stop();
        try {
            try (QlnnServer server = QlnnServer.start(config(repo, cache, Map.of()))) {
                HttpProbe http = new HttpProbe(server.port());
                HttpProbe.Answer ready = http.get("/ready");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.body()).contains("no model is ready").contains("unreachable");
                s3.startAgain();
                Await.until("ready once the store answers", Duration.ofSeconds(90), () -> http.get("/ready").status() == 200);
                assertThat(http.servedVersion("demo")).isEqualTo(1);
            }
            s3.stop();
            try (QlnnServer server = QlnnServer.start(config(repo, cache, Map.of()))) {
                HttpProbe http = new HttpProbe(server.port());
                assertThat(http.get("/ready").status()).as("the cache from the last run serves").isEqualTo(200);
                assertThat(http.servedVersion("demo")).isEqualTo(1);
                assertThat(http.get("/health").body()).contains("unreachable, serving the cached copy");
            }
        } finally {
            s3.startAgain();
        }
    }

    @Test
    void aTamperedObjectIsNeverAdoptedAndTheReasonIsShown() throws Exception {
        String repo = s3.createBucket("tamper") + "/models";
        try (Store store = s3.open(repo)) {
            push(store, "demo", 1, 0.1f);
            push(store, "demo", 2, 0.2f);
            // Someone rewrites version 2's weights in the bucket: model.json's digest no longer holds.
            Path other = TestModels.dense(tmp.resolve("other"), "demo", 0.9f);
            store.upload(other.resolve("weights.safetensors"), "demo/2/weights.safetensors", "0".repeat(64));
            try (QlnnServer server = QlnnServer.start(config(repo, tmp.resolve("cache"), Map.of()))) {
                HttpProbe http = new HttpProbe(server.port());
                assertThat(http.servedVersion("demo")).isEqualTo(1);
                assertThat(http.get("/v2/models/demo/versions/2").status()).isEqualTo(404);
                assertThat(Files.exists(tmp.resolve("cache/models/demo/2"))).isFalse();
                String health = http.get("/health").body();
                assertThat(health).contains("refused").contains("demo version 2").contains("weights.safetensors: checksum mismatch");
            }
        }
    }

    @Test
    void withTrustedKeysOnlyVersionsSignedByATrustedKeyLoadAndTheIndexSaysWhy() throws Exception {
        String repo = s3.createBucket("signed") + "/models";
        Path keys = tmp.resolve("keys");
        SigningKeys.generate("release-2026", keys);
        SigningKeys.generate("rogue", tmp.resolve("rogue"));
        Path trusted = Files.createDirectories(tmp.resolve("trusted"));
        Files.copy(keys.resolve("release-2026.pub"), trusted.resolve("release-2026.pub"));
        try (Store store = s3.open(repo)) {
            Path v1 = TestModels.dense(tmp.resolve("v1"), "demo", 0.1f);
            ModelSignatures.sign(v1, keys.resolve("release-2026.key"));
            Publishing.push(v1, store, new VersionRef("demo", 1), false, tmp.resolve("scratch"));
            push(store, "demo", 2, 0.2f); // unsigned
            Path v3 = TestModels.dense(tmp.resolve("v3"), "demo", 0.3f);
            ModelSignatures.sign(v3, tmp.resolve("rogue/rogue.key"));
            Publishing.push(v3, store, new VersionRef("demo", 3), false, tmp.resolve("scratch"));
            Path v4 = TestModels.dense(tmp.resolve("v4"), "demo", 0.4f);
            ModelSignatures.sign(v4, keys.resolve("release-2026.key"));
            // Signed, then model.json edited: the signature no longer matches its bytes.
            String signed = Files.readString(v4.resolve("model.json"));
            String edited = signed.replace("test dense model", "edited model");
            assertThat(edited).as("the edit changes model.json").isNotEqualTo(signed);
            Files.writeString(v4.resolve("model.json"), edited);
            Publishing.push(v4, store, new VersionRef("demo", 4), false, tmp.resolve("scratch"));

            try (QlnnServer server = QlnnServer.start(config(repo, tmp.resolve("cache"),
                    Map.of("QLNN_TRUSTED_KEYS", trusted.toString())))) {
                HttpProbe http = new HttpProbe(server.port());
                assertThat(http.servedVersion("demo")).as("only version 1 is signed by a trusted key").isEqualTo(1);
                Map<String, String> reasons = new HashMap<>();
                // The open /health says status only; the repository index (a management route) says why.
                for (JsonNode m : http.post("/v2/repository/index").json()) {
                    reasons.put(m.get("version").asText(), m.get("state").asText() + ": " + m.path("reason").asText());
                }
                assertThat(reasons.get("1")).startsWith("READY");
                assertThat(reasons.get("2")).startsWith("UNAVAILABLE").contains("unsigned");
                assertThat(reasons.get("3")).startsWith("UNAVAILABLE").contains("key 'rogue'").contains("not in QLNN_TRUSTED_KEYS");
                assertThat(reasons.get("4")).startsWith("UNAVAILABLE").contains("bad signature");
            }
        }
    }
}
