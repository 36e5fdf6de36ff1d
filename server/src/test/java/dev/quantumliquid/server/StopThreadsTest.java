package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped server leaves none of its own threads behind (several servers may share one JVM). */
class StopThreadsTest {
    @TempDir
    Path repo;

    private static Set<Thread> parsers() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("qlnn-parse-"))
                .collect(Collectors.toSet());
    }

    /** A body above the inline-parse size starts the body-parsing threads; stopping the server ends them. */
    @Test
    void stoppingTheServerEndsItsBodyParsingThreads() throws InterruptedException {
        TestModels.dense(repo, "dense", 1, 0f);
        Set<Thread> before = parsers();
        TestServer s = TestServer.start(repo, Map.of());
        // 100 KiB of JSON (whitespace pads it past the inline size): parsed on a body-parsing thread
        String body = "{\"model\":\"dense\",\"input\":[1,2,3]" + " ".repeat(100 << 10) + "}";
        assertThat(s.post("/inference", body).status()).isEqualTo(200);
        Set<Thread> started = parsers();
        started.removeAll(before);
        assertThat(started).as("the large body was parsed on a body-parsing thread").isNotEmpty();
        s.close();
        for (Thread t : started) {
            t.join(10_000);
        }
        assertThat(List.copyOf(started)).as("body-parsing threads after stop").noneMatch(Thread::isAlive);
    }
}
