package dev.quantumliquid.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * QLNN_RATE_LIMIT_RPS: a token bucket per caller (API key id, or client address without keys)
 * holding up to one second of requests. Buckets live in a bounded cache, so a flood of client
 * addresses costs bounded memory.
 */
final class RateLimiter {
    private static final int MAX_CALLERS = 100_000;

    private final double rps;
    private final Cache<String, Bucket> buckets;

    RateLimiter(double rps) {
        this.rps = rps;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_CALLERS).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    boolean enabled() {
        return rps > 0;
    }

    /** Takes one request from the caller's bucket; false when it is empty. */
    boolean tryAcquire(String caller) {
        if (!enabled()) {
            return true;
        }
        return buckets.get(caller, c -> new Bucket(Math.max(1.0, rps))).take(rps, System.nanoTime());
    }

    private static final class Bucket {
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(double capacity) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        synchronized boolean take(double rate, long now) {
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1.0) {
                tokens -= 1.0;
                return true;
            }
            return false;
        }
    }
}
