package dev.quantumliquid.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.server.app.QlnnServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four regions: four servers, each reading its own regional bucket, each bucket fed by a sync from
 * the primary bucket (what the per-region `qlnn sync --watch` Deployment runs). A push to the
 * primary reaches all four with no failed request; the time it takes is printed (goal: the servers'
 * poll interval plus the sync interval plus 2 s).
 */
class RegionsTest {
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-1", "ap-northeast-1");
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration SYNC_EVERY = Duration.ofMillis(250);

    @TempDir
    Path tmp;

    @Test
    void aPushToThePrimaryIsServedInAllFourRegionsWithoutAFailedRequest() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start(tmp.resolve("s3proxy"))) {
            String primary = s3.createBucket("primary") + "/models";
            List<String> regional = new ArrayList<>();
            for (String r : REGIONS) {
                regional.add(s3.createBucket("models-" + r) + "/models");
            }
            try (Store p = s3.open(primary)) {
                Publishing.push(DenseModels.write(tmp.resolve("v1"), "demo", 0.1f), p, new VersionRef("demo", 1), false, tmp.resolve("scratch"));
            }
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            List<QlnnServer> servers = new ArrayList<>();
            try {
                for (int i = 0; i < REGIONS.size(); i++) {
                    String dst = regional.get(i);
                    Path scratch = tmp.resolve("sync-" + i);
                    threads.add(Thread.ofPlatform().name("sync-" + REGIONS.get(i)).start(() -> syncLoop(s3, primary, dst, scratch, running)));
                }
                for (int i = 0; i < REGIONS.size(); i++) {
                    Store probe = s3.open(regional.get(i));
                    HttpProbe.await("version 1 synced to " + REGIONS.get(i), Duration.ofSeconds(30),
                            () -> !probe.list("demo/1/model.json").isEmpty());
                    probe.close();
                    servers.add(QlnnServer.start(s3.serverConfig(regional.get(i), tmp.resolve("cache-" + i), POLL, Map.of())));
                }
                AtomicInteger failed = new AtomicInteger();
                AtomicLong pushedAt = new AtomicLong(Long.MAX_VALUE);
                List<AtomicLong> firstV2 = new ArrayList<>();
                for (QlnnServer s : servers) {
                    AtomicLong seen = new AtomicLong(Long.MAX_VALUE);
                    firstV2.add(seen);
                    HttpProbe http = new HttpProbe(s.port());
                    threads.add(Thread.ofPlatform().start(() -> {
                        while (running.get()) {
                            long v = http.servedVersion("demo");
                            if (v < 0) {
                                failed.incrementAndGet();
                            } else if (v == 2) {
                                seen.compareAndSet(Long.MAX_VALUE, System.nanoTime());
                            }
                            pace();
                        }
                    }));
                }
                try (Store p = s3.open(primary)) {
                    Path v2 = DenseModels.write(tmp.resolve("v2"), "demo", 0.2f);
                    Publishing.push(v2, p, new VersionRef("demo", 2), false, tmp.resolve("scratch"));
                    pushedAt.set(System.nanoTime());
                }
                HttpProbe.await("version 2 served in all four regions", Duration.ofSeconds(60),
                        () -> firstV2.stream().allMatch(t -> t.get() != Long.MAX_VALUE));
                long slowest = firstV2.stream().mapToLong(AtomicLong::get).max().orElseThrow() - pushedAt.get();
                running.set(false);
                for (Thread t : threads) {
                    t.join();
                }
                System.out.printf("regions: push to primary -> all four serving version 2 in %.2f s (poll %s, sync every %s)%n",
                        slowest / 1e9, POLL, SYNC_EVERY);
                assertThat(failed.get()).as("failed requests during the switch").isZero();
                // The goal is POLL + SYNC_EVERY + 2 s on an idle machine (docs/BENCHMARKS.md has the measured
                // figures and the load); the bound here only catches a pipeline that waits for extra cycles.
                assertThat(Duration.ofNanos(slowest)).as("push to all four regions serving").isLessThan(Duration.ofSeconds(15));
            } finally {
                running.set(false);
                servers.forEach(QlnnServer::stop);
            }
        }
    }

    /** A client at about 50 requests per second per region, not one that takes every core of a small machine. */
    private static void pace() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void syncLoop(S3ProxyFixture s3, String from, String to, Path scratch, AtomicBoolean running) {
        try (Store src = s3.open(from); Store dst = s3.open(to)) {
            RepositorySync sync = new RepositorySync(scratch, Optional.empty(), true);
            while (running.get()) {
                sync.run(src, dst);
                Thread.sleep(SYNC_EVERY); // the --watch interval of the sync Deployment
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
