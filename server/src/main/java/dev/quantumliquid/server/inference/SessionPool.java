package dev.quantumliquid.server.inference;

import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Idle engine sessions of one model, reused across requests: a session allocates every buffer of
 * the model once, which costs as much as a step of the demo model. At most {@code size} are kept
 * (as many as can compute at once); a borrower finding none creates one, a returner finding the
 * pool full drops it. Lock-free and allocation-free.
 */
final class SessionPool {
    private final Model model;
    private final AtomicReferenceArray<Session> idle;

    SessionPool(Model model, int size) {
        this.model = model;
        this.idle = new AtomicReferenceArray<>(size);
    }

    /** An idle session in an unspecified state (the caller resets or imports), or a new one. */
    Session borrow() {
        for (int i = 0; i < idle.length(); i++) {
            if (idle.get(i) != null) {
                Session s = idle.getAndSet(i, null);
                if (s != null) {
                    return s;
                }
            }
        }
        return model.newSession();
    }

    void giveBack(Session s) {
        for (int i = 0; i < idle.length(); i++) {
            if (idle.get(i) == null && idle.compareAndSet(i, null, s)) {
                return;
            }
        }
    }
}
