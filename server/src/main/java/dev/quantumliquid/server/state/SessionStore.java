package dev.quantumliquid.server.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.quantumliquid.server.ServerException;
import dev.quantumliquid.server.ServerException.Kind;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Server-held sequences keyed by Triton's {@code sequence_id}: a bounded number open at once
 * (a new one beyond it is refused with 503, an open one is never evicted to make room), each
 * dropped after an idle time. A sequence is locked while a request runs on it, so concurrent
 * requests on one sequence apply in some order, never interleaved.
 */
public final class SessionStore {
    /** One open sequence. Fields other than the identity are guarded by {@link #lock}. */
    public static final class Sequence {
        private final ReentrantLock lock = new ReentrantLock();
        private final String id;
        private final String model;
        private final long version;
        private SequenceState state;
        private volatile boolean closed;

        Sequence(String id, SequenceState initial) {
            this.id = id;
            this.model = initial.model();
            this.version = initial.version();
            this.state = initial;
        }

        public String id() {
            return id;
        }

        public String model() {
            return model;
        }

        public long version() {
            return version;
        }

        public ReentrantLock lock() {
            return lock;
        }

        /** Current state; call with the lock held. */
        public SequenceState state() {
            return state;
        }

        /** Call with the lock held. */
        public void advance(SequenceState next) {
            this.state = next;
        }

        public boolean closed() {
            return closed;
        }
    }

    private final Cache<String, Sequence> open;
    private final int max;
    private final ReentrantLock admit = new ReentrantLock();

    public SessionStore(int maxSessions, Duration idle) {
        this.max = maxSessions;
        this.open = Caffeine.newBuilder().expireAfterAccess(idle).build();
    }

    /**
     * Starts (or restarts, as Triton does for sequence_start on an open id) a sequence at the given
     * state. 503 when {@code QLNN_MAX_SESSIONS} sequences are open.
     */
    public Sequence start(String id, SequenceState initial) {
        admit.lock();
        try {
            Sequence old = open.getIfPresent(id);
            if (old == null) {
                open.cleanUp();
                if (open.estimatedSize() >= max) {
                    throw ServerException.rejected(Kind.OVERLOADED, "sessions", "sequence_id: " + max
                            + " sequences are open (QLNN_MAX_SESSIONS); end one with sequence_end or retry later");
                }
            } else {
                old.closed = true;
            }
            Sequence s = new Sequence(id, initial);
            open.put(id, s);
            return s;
        } finally {
            admit.unlock();
        }
    }

    /** An open sequence; 400 when the id is unknown or expired. */
    public Sequence get(String id) {
        Sequence s = open.getIfPresent(id);
        if (s == null) {
            throw ServerException.badRequest("sequence_id: '" + id
                    + "' is not an open sequence (never started, ended, or idle too long); send sequence_start");
        }
        return s;
    }

    /** Ends a sequence (sequence_end); call with its lock held. */
    public void end(Sequence s) {
        s.closed = true;
        open.asMap().remove(s.id(), s);
    }

    public int active() {
        open.cleanUp();
        return (int) open.estimatedSize();
    }
}
