package dev.quantumliquid.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.ServerException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
    private static SequenceState zero() {
        return new SequenceState("m", 1, 0, new float[2]);
    }

    @Test
    void aSequenceAdvancesAndEnds() {
        SessionStore s = new SessionStore(4, Duration.ofMinutes(1));
        SessionStore.Sequence q = s.start("7", zero());
        q.lock().lock();
        try {
            q.advance(new SequenceState("m", 1, 3, new float[] {1f, 2f}));
        } finally {
            q.lock().unlock();
        }
        assertThat(s.get("7").state().steps()).isEqualTo(3);
        assertThat(s.active()).isEqualTo(1);
        s.end(q);
        assertThat(q.closed()).isTrue();
        assertThatThrownBy(() -> s.get("7")).isInstanceOf(ServerException.class).hasMessageContaining("sequence_start");
    }

    @Test
    void restartingAnOpenIdReplacesItAndClosesTheOld() {
        SessionStore s = new SessionStore(1, Duration.ofMinutes(1));
        SessionStore.Sequence a = s.start("x", zero());
        SessionStore.Sequence b = s.start("x", zero());
        assertThat(a.closed()).isTrue();
        assertThat(s.get("x")).isSameAs(b);
    }

    @Test
    void theCountIsBoundedWithoutEvictingOpenSequences() {
        SessionStore s = new SessionStore(2, Duration.ofMinutes(1));
        s.start("a", zero());
        s.start("b", zero());
        assertThatThrownBy(() -> s.start("c", zero())).isInstanceOfSatisfying(ServerException.class,
                e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.OVERLOADED)).hasMessageContaining("QLNN_MAX_SESSIONS");
        assertThat(s.get("a")).isNotNull();
        assertThat(s.get("b")).isNotNull();
    }

    @Test
    void anIdleSequenceExpiresAndFreesItsSlot() throws InterruptedException {
        SessionStore s = new SessionStore(1, Duration.ofMillis(50));
        s.start("a", zero());
        Thread.sleep(150);
        assertThatThrownBy(() -> s.get("a")).isInstanceOf(ServerException.class);
        assertThat(s.active()).isZero();
        assertThat(s.start("b", zero())).isNotNull();
    }
}
