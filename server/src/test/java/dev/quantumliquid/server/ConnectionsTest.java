package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.testkit.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw HTTP/1 over sockets against a real server: protocol edge cases answered with the true reason
 * and a 4xx, connections that stall mid-request or sit idle closed, and overload refused before a
 * body is read while probes keep answering.
 */
class ConnectionsTest {
    @TempDir
    Path repo;
    private final List<Socket> open = new ArrayList<>();

    /** Closes the test's sockets (before its server stops: a stop waits for requests in progress). */
    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    private Socket connect(TestServer s) throws IOException {
        Socket sock = new Socket("127.0.0.1", s.server.port());
        sock.setSoTimeout(20_000);
        open.add(sock);
        return sock;
    }

    /** Sends raw bytes and reads the answer until the server closes the connection (or 20 s pass). */
    private String exchange(TestServer s, String request) throws IOException {
        Socket sock = connect(s);
        sock.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        sock.getOutputStream().flush();
        return readUntilClosed(sock);
    }

    private static String readUntilClosed(Socket sock) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = sock.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0;) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return out.toString(StandardCharsets.ISO_8859_1) + "<still open after 20 s>";
        } catch (IOException reset) {
            // closed by the server
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response's head and body by its Content-Length, leaving the connection open. */
    private static String readResponse(Socket sock) throws IOException {
        InputStream in = sock.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int len = Integer.parseInt(h.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
        return h + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
    }

    @Test
    void protocolEdgeCasesGetTheirTrueReasonAndA4xx() throws IOException {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_READ_TIMEOUT_S", "1"))) {
            String v10 = exchange(s, "GET /ready HTTP/1.0\r\n\r\n");
            assertThat(v10).startsWith("HTTP/1.0 505 ").contains("HTTP/1.0 is not served: send HTTP/1.1");
            String noHost = exchange(s, "GET /ready HTTP/1.1\r\nConnection: close\r\n\r\n");
            assertThat(noHost).startsWith("HTTP/1.1 400 ").contains("Host: header missing");
            String nul = exchange(s, "G\0T /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(nul).startsWith("HTTP/1.1 400 ").contains("request: cannot be read");
            String chunk = exchange(s, "POST /inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
            assertThat(chunk).doesNotStartWith("HTTP/1.1 5").doesNotContain("<still open");
            String truncated = exchange(s, "POST /inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"model\":");
            assertThat(truncated).doesNotStartWith("HTTP/1.1 5").doesNotContain("<still open");
            assertThat(s.get("/metrics").body()).doesNotContain("kind=\"internal\"");
        }
    }

    /** A request whose headers never end loses its connection after the read timeout, not when the client likes. */
    @Test
    void aRequestThatStallsMidHeadersOrMidBodyIsClosedAfterTheReadTimeout() throws IOException {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_READ_TIMEOUT_S", "0.5"))) {
            long t0 = System.nanoTime();
            assertThat(exchange(s, "GET /ready HTTP/1.1\r\nHost: x\r\nX-Slow: ")).isEmpty();
            assertThat(exchange(s, "POST /inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50\r\n\r\n{\"mod")).doesNotContain("<still open").doesNotStartWith("HTTP/1.1 5");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(15);
        }
    }

    /**
     * A connection that sends nothing, and one whose request line never ends, are closed (the client
     * reads end-of-stream) once QLNN_HEADER_TIMEOUT_S has passed since their accept, though the read
     * and idle timeouts are long; a connection that completed its requests keeps working.
     */
    @Test
    void silentAndHalfRequestLineConnectionsAreClosedAfterTheHeaderTimeout() throws IOException {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_HEADER_TIMEOUT_S", "0.5", "QLNN_READ_TIMEOUT_S", "30",
                "QLNN_IDLE_TIMEOUT_S", "30"))) {
            Socket live = connect(s);
            String get = "GET /ready HTTP/1.1\r\nHost: x\r\n\r\n";
            live.getOutputStream().write(get.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(live)).startsWith("HTTP/1.1 200 ");
            Socket silent = connect(s);
            Socket half = connect(s);
            half.getOutputStream().write("GET /ready HT".getBytes(StandardCharsets.ISO_8859_1));
            half.getOutputStream().flush();
            assertThat(readUntilClosed(silent)).as("closed by the server, not by the 20 s client timeout").isEmpty();
            assertThat(readUntilClosed(half)).as("closed by the server, not by the 20 s client timeout").isEmpty();
            live.getOutputStream().write(get.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(live)).as("a keep-alive connection between requests is not cut").startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws IOException {
        TestModels.dense(repo, "dense", 1, 0f);
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_IDLE_TIMEOUT_S", "1"))) {
            Socket sock = connect(s);
            sock.getOutputStream().write("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(sock)).startsWith("HTTP/1.1 200 ");
            assertThat(readUntilClosed(sock)).as("closed by the server, not by the 20 s client timeout").isEmpty();
        }
    }

    private static void awaitAdmitted(TestServer s, int n) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!s.get("/metrics").body().contains("quantum_liquid_http_requests_admitted " + n + ".0")) {
            assertThat(System.nanoTime()).as("%d requests admitted", n).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private void announce(TestServer s, String request) throws IOException {
        OutputStream o = connect(s).getOutputStream();
        o.write(request.getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
    }

    /**
     * Two requests announce 8 MiB bodies and send one byte: they hold both admission slots. A third
     * is refused at once, its body never read, while probes answer throughout.
     */
    @Test
    void overloadIsRefusedBeforeTheBodyIsReadAndProbesStillAnswer() throws IOException {
        TestModels.dense(repo, "dense", 1, 0f);
        String announce = "POST /inference HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8388608\r\n\r\n{";
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_MAX_CONCURRENT_REQUESTS", "2", "QLNN_READ_TIMEOUT_S", "30"))) {
            announce(s, announce);
            announce(s, announce);
            awaitAdmitted(s, 2);
            String refused = exchange(s, announce);
            assertThat(refused).startsWith("HTTP/1.1 503 ").containsIgnoringCase("Connection: close").contains("Retry-After: 1")
                    .contains("QLNN_MAX_CONCURRENT_REQUESTS");
            for (String probe : List.of("/ready", "/health", "/v2/health/live", "/v2/health/ready")) {
                assertThat(s.get(probe).status()).as(probe).isEqualTo(200);
            }
            closeSockets();
        }
        try (TestServer s = TestServer.start(repo, Map.of("QLNN_MAX_BODY_BYTES_IN_FLIGHT", "9000000", "QLNN_READ_TIMEOUT_S", "30"))) {
            announce(s, announce);
            awaitAdmitted(s, 1);
            assertThat(exchange(s, announce)).startsWith("HTTP/1.1 503 ").contains("QLNN_MAX_BODY_BYTES_IN_FLIGHT");
            assertThat(s.post("/inference", "{\"model\":\"dense\",\"input\":[1,2,3]}").status())
                    .as("a small body still fits beside the large one").isEqualTo(200);
            closeSockets();
        }
    }
}
