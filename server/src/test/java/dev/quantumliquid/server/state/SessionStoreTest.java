package dev.quantumliquid.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.error.ServerException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
    private static SequenceState zero() {
        return new SequenceState("m", 1, "abababababababababababababababababababababababababababababababab", 0, new float[2]);
    }

    private static final String ME = "key:me";

    @Test
    void aSequenceAdvancesAndEnds() {
        SessionStore s = new SessionStore(4, 4, Duration.ofMinutes(1));
        SessionStore.Sequence q = s.start("7", ME, zero());
        q.lock().lock();
        try {
            q.advance(new SequenceState("m", 1, "abababababababababababababababababababababababababababababababab", 3, new float[] {1f, 2f}));
        } finally {
            q.lock().unlock();
        }
        assertThat(s.get("7", ME).state().steps()).isEqualTo(3);
        assertThat(s.active()).isEqualTo(1);
        s.end(q);
        assertThat(q.closed()).isTrue();
        assertThatThrownBy(() -> s.get("7", ME)).isInstanceOf(ServerException.class).hasMessageContaining("sequence_start");
    }

    @Test
    void restartingAnOpenIdReplacesItAndClosesTheOld() {
        SessionStore s = new SessionStore(1, 1, Duration.ofMinutes(1));
        SessionStore.Sequence a = s.start("x", ME, zero());
        SessionStore.Sequence b = s.start("x", ME, zero());
        assertThat(a.closed()).isTrue();
        assertThat(s.get("x", ME)).isSameAs(b);
    }

    @Test
    void anotherCallerMayNeitherContinueNorRestartNorEndIt() {
        SessionStore s = new SessionStore(4, 4, Duration.ofMinutes(1));
        s.start("x", ME, zero());
        for (Runnable other : List.<Runnable>of(() -> s.get("x", "key:other"), () -> s.start("x", "ip:10.0.0.9", zero()))) {
            assertThatThrownBy(other::run).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.FORBIDDEN)).hasMessageContaining("another caller");
        }
        assertThat(s.get("x", ME).closed()).isFalse();
    }

    @Test
    void whenFullTheLeastRecentlyUsedIdleSequenceMakesRoom() {
        SessionStore s = new SessionStore(2, 2, Duration.ofMinutes(1));
        SessionStore.Sequence a = s.start("a", ME, zero());
        s.start("b", "key:other", zero());
        s.get("a", ME); // a is now the more recently used
        SessionStore.Sequence c = s.start("c", "key:third", zero());
        assertThat(c.closed()).isFalse();
        assertThat(a.closed()).isFalse();
        assertThatThrownBy(() -> s.get("b", "key:other")).hasMessageContaining("not an open sequence");
    }

    @Test
    void onlyWhenEverySequenceIsRunningIsANewOneRefused() {
        SessionStore s = new SessionStore(1, 1, Duration.ofMinutes(1));
        SessionStore.Sequence a = s.start("a", ME, zero());
        a.lock().lock();
        try {
            assertThatThrownBy(() -> s.start("b", "key:other", zero())).isInstanceOfSatisfying(ServerException.class,
                    e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.OVERLOADED)).hasMessageContaining("retry");
        } finally {
            a.lock().unlock();
        }
        assertThat(s.start("b", "key:other", zero()).closed()).isFalse();
        assertThat(a.closed()).isTrue();
    }

    @Test
    void oneCallerHoldsAtMostItsQuotaAndOnlyLosesItsOwnOldest() {
        SessionStore s = new SessionStore(100, 2, Duration.ofMinutes(1));
        SessionStore.Sequence other = s.start("o", "key:other", zero());
        SessionStore.Sequence first = s.start("1", ME, zero());
        s.start("2", ME, zero());
        s.start("3", ME, zero());
        assertThat(first.closed()).isTrue();
        assertThat(other.closed()).isFalse();
        assertThat(s.active()).isEqualTo(3);
    }

    @Test
    void anIdleSequenceExpiresAndFreesItsSlot() {
        AtomicLong now = new AtomicLong();
        SessionStore s = new SessionStore(1, 1, Duration.ofMillis(50), now::get);
        s.start("a", ME, zero());
        now.addAndGet(Duration.ofMillis(51).toNanos());
        assertThatThrownBy(() -> s.get("a", ME)).isInstanceOf(ServerException.class);
        assertThat(s.active()).isZero();
        assertThat(s.start("b", ME, zero())).isNotNull();
    }
}
