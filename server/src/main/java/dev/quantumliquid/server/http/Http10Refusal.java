package dev.quantumliquid.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * HTTP/1.0 requests get {@code 505 HTTP Version Not Supported} with a JSON reason, rather than a
 * connection closed without a word (the web server speaks HTTP/1.1 only, and a load balancer's
 * default HTTP/1.0 health check would otherwise see an empty reply and mark every replica down).
 */
public final class Http10Refusal implements ServerConnectionSelector {
    private static final String VERSION = " HTTP/1.0\r";
    private static final byte[] ANSWER;

    static {
        byte[] body = ("{\"error\":\"HTTP/1.0 is not served: send HTTP/1.1 with a Host header (haproxy: "
                + "http-check send meth GET uri /ready ver HTTP/1.1 hdr Host qlnn)\"}").getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.0 505 HTTP Version Not Supported\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        ANSWER = new byte[h.length + body.length];
        System.arraycopy(h, 0, ANSWER, 0, h.length);
        System.arraycopy(body, 0, ANSWER, h.length, body.length);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        int lf = request.indexOf(Bytes.LF_BYTE);
        if (lf == -1) {
            return Support.UNSUPPORTED; // HTTP/1.1 takes a partial request line, and bounds how long it may take
        }
        return request.readString(lf).endsWith(VERSION) ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new ServerConnection() {
            @Override
            public void handle(Limit limit) {
                ctx.dataWriter().writeNow(BufferData.create(ANSWER));
            }

            @Override
            public Duration idleTime() {
                return Duration.ZERO;
            }

            @Override
            public void close(boolean interrupt) {
            }
        };
    }
}
