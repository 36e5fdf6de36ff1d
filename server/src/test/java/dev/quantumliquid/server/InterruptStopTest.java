package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ctrl-C (SIGINT) with nothing in flight stops at once instead of sitting out QLNN_DRAIN_S. */
class InterruptStopTest {
    @Test
    void anIdleServerStopsWithoutWaitingOutTheDrain() {
        TestServer s = TestServer.start(Path.of("../models"), Map.of("QLNN_DRAIN_S", "600"));
        assertThat(s.get("/ready").status()).isEqualTo(200);
        int port = s.server.port();
        // A drain of 600 s would blow the deadline; an idle interactive stop does not wait for it.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> s.server.stop(true));
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).as("the listener is closed")
                .isInstanceOf(java.net.ConnectException.class);
    }
}
