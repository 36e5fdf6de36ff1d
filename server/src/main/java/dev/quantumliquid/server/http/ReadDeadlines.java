package dev.quantumliquid.server.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QLNN_READ_TIMEOUT_S: a connection that has begun a request (its request line, headers or body)
 * and then sends nothing for the timeout is closed, with one short log line. Between requests the
 * web server's idle timeout (QLNN_IDLE_TIMEOUT_S) applies instead, and once the body is read the
 * request is the server's to answer, however long that takes. Fed by the HTTP/1 receive listener,
 * which sees every read of every connection; checked by one timer.
 */
public final class ReadDeadlines implements Http1ConnectionListener, Filter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadDeadlines.class);

    private enum Phase { IDLE, HEAD, BODY, ANSWERING }

    private static final class Conn {
        final ConnectionContext ctx;
        volatile long lastRead;
        volatile Phase phase = Phase.IDLE;

        Conn(ConnectionContext ctx, long now) {
            this.ctx = ctx;
            this.lastRead = now;
        }
    }

    private final ConcurrentHashMap<SocketAddress, Conn> conns = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final long forgetNanos;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qlnn-read-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** @param idle the idle timeout: connections quiet between requests for twice that are forgotten (the server closed them) */
    public ReadDeadlines(Duration timeout, Duration idle, LongSupplier nanoTime) {
        this.timeoutNanos = timeout.toNanos();
        this.forgetNanos = 2 * Math.max(idle.toNanos(), timeout.toNanos());
        this.nanoTime = nanoTime;
        long every = Math.max(50, Math.min(1000, timeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    private Conn conn(ConnectionContext ctx) {
        SocketAddress a = ctx.remotePeer().address();
        return a == null ? new Conn(ctx, nanoTime.getAsLong()) // not an IP socket: untracked
                : conns.computeIfAbsent(a, k -> new Conn(ctx, nanoTime.getAsLong()));
    }

    @Override
    public void data(ConnectionContext ctx, BufferData data) {
        received(ctx);
    }

    @Override
    public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
        received(ctx);
    }

    private void received(ConnectionContext ctx) {
        Conn c = conn(ctx);
        c.lastRead = nanoTime.getAsLong();
        if (c.phase == Phase.IDLE) {
            c.phase = Phase.HEAD;
        }
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Conn c = conn(ctx);
        if (c.phase == Phase.IDLE) { // the request line came with bytes read for an earlier request
            c.phase = Phase.HEAD;
            c.lastRead = nanoTime.getAsLong();
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        boolean body = headers.contains(HeaderValues.TRANSFER_ENCODING_CHUNKED)
                || headers.contentLength().orElse(0) > 0;
        Conn c = conn(ctx);
        c.phase = body ? Phase.BODY : Phase.ANSWERING;
        c.lastRead = nanoTime.getAsLong();
    }

    /** For the send side: the status line of an answer ends the request's deadline. */
    public Http1ConnectionListener sendListener() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                SocketAddress a = ctx.remotePeer().address();
                Conn c = a == null ? null : conns.get(a);
                if (c != null) {
                    c.phase = Phase.IDLE;
                    c.lastRead = nanoTime.getAsLong();
                }
            }
        };
    }

    /** Makes itself known to the request, so that whoever reads the body can say when it is read. */
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(this);
        chain.proceed();
    }

    /** The request's body has been read: from now on the server is answering, however long that takes. */
    public static void bodyRead(ServerRequest req) {
        req.context().get(ReadDeadlines.class).ifPresent(d -> d.read(req));
    }

    private void read(ServerRequest req) {
        SocketAddress a = req.remotePeer().address();
        Conn c = a == null ? null : conns.get(a);
        if (c != null && c.phase == Phase.BODY) {
            c.phase = Phase.ANSWERING;
        }
    }

    void check() {
        long now = nanoTime.getAsLong();
        conns.forEach((address, c) -> {
            long quiet = now - c.lastRead;
            Phase p = c.phase;
            if ((p == Phase.HEAD || p == Phase.BODY) && quiet > timeoutNanos) {
                conns.remove(address, c);
                LOG.info("closing connection from {}: no bytes for {} s in the middle of a request's {} "
                        + "(QLNN_READ_TIMEOUT_S)", address, timeoutNanos / 1_000_000_000.0, p == Phase.HEAD ? "headers" : "body");
                closeQuietly(c);
            } else if ((p == Phase.IDLE || p == Phase.ANSWERING) && quiet > forgetNanos) {
                conns.remove(address, c);
            }
        });
    }

    private static void closeQuietly(Conn c) {
        try {
            c.ctx.serverSocket().close();
        } catch (RuntimeException e) {
            // already closed by its peer
        }
    }

    /** Connections tracked now. */
    int tracked() {
        return conns.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
