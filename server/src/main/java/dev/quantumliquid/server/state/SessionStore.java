package dev.quantumliquid.server.state;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Server-held sequences keyed by Triton's {@code sequence_id}. Each belongs to the caller that
 * opened it (its API key, or its client address when keys are off): another caller may neither
 * continue, restart nor end it (403). A caller holds at most {@code maxPerCaller} (opening one more
 * drops that caller's least recently used one); when {@code max} are open, the least recently used
 * idle sequence of anyone is dropped to make room, and only when every open sequence is running a
 * request is a new one refused (503, worth retrying within a second). A sequence unused for
 * {@code idle} is dropped. A sequence is locked while a request runs on it, so concurrent requests
 * on one sequence apply in some order, never interleaved.
 */
public final class SessionStore {
    /** One open sequence. Fields other than the identity are guarded by {@link #lock}. */
    public static final class Sequence {
        private final ReentrantLock lock = new ReentrantLock();
        private final String id;
        private final String owner;
        private final String model;
        private final long version;
        private final String digest;
        private SequenceState state;
        private volatile boolean closed;
        private long lastUsed; // guarded by the store's lock

        Sequence(String id, String owner, SequenceState initial, long now) {
            this.id = id;
            this.owner = owner;
            this.model = initial.model();
            this.version = initial.version();
            this.digest = initial.digest();
            this.state = initial;
            this.lastUsed = now;
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

        /** The content digest of the version the sequence was opened on. */
        public String digest() {
            return digest;
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

    private final int max;
    private final int maxPerCaller;
    private final long idleNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** Least recently used first. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Sequence> open = new LinkedHashMap<>(16, 0.75f, true);
    /** Open sequences per caller. Guarded by {@link #lock}. */
    private final Map<String, Integer> perCaller = new HashMap<>();

    public SessionStore(int maxSessions, int maxPerCaller, Duration idle, LongSupplier nanoTime) {
        this.max = maxSessions;
        this.maxPerCaller = maxPerCaller;
        this.idleNanos = idle.toNanos();
        this.nanoTime = nanoTime;
    }

    public SessionStore(int maxSessions, int maxPerCaller, Duration idle) {
        this(maxSessions, maxPerCaller, idle, System::nanoTime);
    }

    /**
     * Starts (or restarts, as Triton does for sequence_start on an open id) a sequence of
     * {@code caller} at the given state.
     */
    public Sequence start(String id, String caller, SequenceState initial) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            expire(now);
            Sequence old = open.get(id);
            if (old != null) {
                requireOwner(old, caller);
                drop(old);
            }
            if (max == 0) {
                throw ServerException.rejected(Kind.OVERLOADED, "sessions",
                        "sequence_id: server-held sequences are off (QLNN_MAX_SESSIONS=0); use the state token");
            }
            if (perCaller.getOrDefault(caller, 0) >= maxPerCaller) {
                evictLeastRecent(caller);
            }
            if (open.size() >= max) {
                evictLeastRecent(null);
            }
            if (open.size() >= max || perCaller.getOrDefault(caller, 0) >= maxPerCaller) {
                throw ServerException.rejected(Kind.OVERLOADED, "sessions", "sequence_id: all " + open.size()
                        + " open sequences are running a request right now; retry shortly");
            }
            Sequence s = new Sequence(id, caller, initial, now);
            open.put(id, s);
            perCaller.merge(caller, 1, Integer::sum);
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** An open sequence of {@code caller}; 400 when the id is unknown or expired, 403 when another caller opened it. */
    public Sequence get(String id, String caller) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            expire(now);
            Sequence s = open.get(id);
            if (s == null) {
                throw ServerException.badRequest("sequence_id: '" + id
                        + "' is not an open sequence (never started, ended, or idle too long); send sequence_start");
            }
            requireOwner(s, caller);
            s.lastUsed = now;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a sequence (sequence_end); call with its lock held. */
    public void end(Sequence s) {
        lock.lock();
        try {
            if (open.get(s.id()) == s) {
                drop(s);
            }
            s.closed = true;
        } finally {
            lock.unlock();
        }
    }

    public int active() {
        lock.lock();
        try {
            expire(nanoTime.getAsLong());
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    private static void requireOwner(Sequence s, String caller) {
        if (!s.owner.equals(caller)) {
            throw new ServerException(Kind.FORBIDDEN, "sequence_id: '" + s.id()
                    + "' was opened by another caller (API key or client address); only its opener may use it");
        }
    }

    /** Drops the least recently used sequence not running a request, of {@code caller} or of anyone when null. */
    private void evictLeastRecent(String caller) {
        for (Iterator<Sequence> it = open.values().iterator(); it.hasNext();) {
            Sequence s = it.next();
            if ((caller == null || s.owner.equals(caller)) && !s.lock.isLocked()) {
                it.remove();
                release(s);
                return;
            }
        }
    }

    private void expire(long now) {
        for (Iterator<Sequence> it = open.values().iterator(); it.hasNext();) {
            Sequence s = it.next();
            if (now - s.lastUsed < idleNanos) {
                return; // least recently used first: the rest are younger
            }
            if (!s.lock.isLocked()) {
                it.remove();
                release(s);
            }
        }
    }

    private void drop(Sequence s) {
        open.remove(s.id());
        release(s);
    }

    private void release(Sequence s) {
        s.closed = true;
        perCaller.computeIfPresent(s.owner, (k, n) -> n <= 1 ? null : n - 1);
    }
}
