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
import io.helidon.common.socket.SocketOptions;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines of a connection before the server answers. QLNN_HEADER_TIMEOUT_S: a request's line and
 * headers must be complete within it, counted from the connection's accept for its first request
 * (so a connection that sends nothing, or never ends its request line, or stalls its TLS handshake,
 * is closed) and from the request's first byte for later ones. QLNN_READ_TIMEOUT_S: a connection
 * that has begun a request (its request line, headers or body) and then sends nothing for the
 * timeout is closed. Each closing is one short log line. Between requests the web server's idle
 * timeout (QLNN_IDLE_TIMEOUT_S) applies instead, and once the body is read the request is the
 * server's to answer, however long that takes. Accepts are seen through {@link #connectionOptions},
 * HTTP/1 reads through the receive listener; one timer checks them all. A connection that turns out
 * to speak HTTP/2 is left to the web server once its first request arrives.
 */
public final class ReadDeadlines implements Http1ConnectionListener, Filter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadDeadlines.class);

    private enum Phase { ACCEPTED, IDLE, HEAD, BODY, ANSWERING }

    private static final class Conn {
        /** The accepted socket (null when the connection was not seen at accept). */
        final SocketChannel channel;
        volatile ConnectionContext ctx;
        volatile long lastRead;
        /** When the request now being received began (its connection's accept, for the first). */
        volatile long headStart;
        volatile Phase phase;

        Conn(SocketChannel channel, ConnectionContext ctx, long now, Phase phase) {
            this.channel = channel;
            this.ctx = ctx;
            this.lastRead = now;
            this.headStart = now;
            this.phase = phase;
        }
    }

    private final ConcurrentHashMap<SocketAddress, Conn> conns = new ConcurrentHashMap<>();
    private final long headerNanos;
    private final long timeoutNanos;
    private final long forgetNanos;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qlnn-read-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** @param idle the idle timeout: connections quiet between requests for twice that are forgotten (the server closed them) */
    public ReadDeadlines(Duration header, Duration timeout, Duration idle, LongSupplier nanoTime) {
        this.headerNanos = header.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.forgetNanos = 2 * Math.max(idle.toNanos(), Math.max(timeout.toNanos(), header.toNanos()));
        this.nanoTime = nanoTime;
        long every = Math.max(50, Math.min(1000, Math.min(header.toMillis(), timeout.toMillis()) / 4));
        timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The web server's options for accepted connections ({@code options}), which also tell this
     * class of every accept: the only moment a connection that never sends a byte can be seen.
     */
    public SocketOptions connectionOptions(SocketOptions options) {
        return new AcceptHook(options);
    }

    private void accepted(SocketChannel channel) {
        try {
            SocketAddress a = channel.getRemoteAddress();
            if (a != null) {
                conns.put(a, new Conn(channel, null, nanoTime.getAsLong(), Phase.ACCEPTED));
            }
        } catch (IOException e) {
            // closed by its peer already
        }
    }

    private Conn conn(ConnectionContext ctx) {
        SocketAddress a = ctx.remotePeer().address();
        if (a == null) { // not an IP socket: untracked
            return new Conn(null, ctx, nanoTime.getAsLong(), Phase.IDLE);
        }
        Conn c = conns.computeIfAbsent(a, k -> new Conn(null, ctx, nanoTime.getAsLong(), Phase.IDLE));
        if (c.ctx == null) {
            c.ctx = ctx;
        }
        return c;
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
        long now = nanoTime.getAsLong();
        c.lastRead = now;
        begin(c, now);
    }

    /** A request begins: its header deadline counts from now, or from the accept for a connection's first. */
    private static void begin(Conn c, long now) {
        if (c.phase == Phase.IDLE) {
            c.headStart = now;
            c.phase = Phase.HEAD;
        } else if (c.phase == Phase.ACCEPTED) {
            c.phase = Phase.HEAD;
        }
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Conn c = conn(ctx);
        if (c.phase == Phase.IDLE || c.phase == Phase.ACCEPTED) { // the request line came with bytes read earlier
            long now = nanoTime.getAsLong();
            c.lastRead = now;
            begin(c, now);
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
        SocketAddress a = req.remotePeer().address();
        Conn c = a == null ? null : conns.get(a);
        if (c != null && c.phase == Phase.ACCEPTED) { // not HTTP/1 (the listener saw none of it): HTTP/2, the web server's to time
            conns.remove(a, c);
        }
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
            if (c.channel != null && !c.channel.isOpen()) {
                conns.remove(address, c);
                return;
            }
            Phase p = c.phase;
            if ((p == Phase.ACCEPTED || p == Phase.HEAD) && now - c.headStart > headerNanos) {
                conns.remove(address, c);
                LOG.info("closing connection from {}: {} {} s (QLNN_HEADER_TIMEOUT_S)", address, p == Phase.ACCEPTED
                        ? "no request (not a byte, or no complete TLS handshake) within"
                        : "request line and headers incomplete after", headerNanos / 1e9);
                closeQuietly(c);
            } else if ((p == Phase.HEAD || p == Phase.BODY) && now - c.lastRead > timeoutNanos) {
                conns.remove(address, c);
                LOG.info("closing connection from {}: no bytes for {} s in the middle of a request's {} "
                        + "(QLNN_READ_TIMEOUT_S)", address, timeoutNanos / 1e9, p == Phase.HEAD ? "headers" : "body");
                closeQuietly(c);
            } else if ((p == Phase.IDLE || p == Phase.ANSWERING) && now - c.lastRead > forgetNanos) {
                conns.remove(address, c);
            }
        });
    }

    private static void closeQuietly(Conn c) {
        try {
            if (c.channel != null) {
                c.channel.close();
            } else if (c.ctx != null) {
                c.ctx.serverSocket().close();
            }
        } catch (IOException | RuntimeException e) {
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

    /** The given options, and every accepted connection reported to {@link #accepted}. */
    private final class AcceptHook implements SocketOptions {
        private final SocketOptions options;

        AcceptHook(SocketOptions options) {
            this.options = options;
        }

        @Override
        public void configureSocket(SocketChannel channel) {
            options.configureSocket(channel);
            accepted(channel);
        }

        @Override
        public void configureSocket(Socket socket) {
            options.configureSocket(socket);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return options.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return options.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return options.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return options.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return options.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return options.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return options.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return options.tcpNoDelay();
        }
    }
}
