package dev.quantumliquid.engine.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.EngineException;
import org.junit.jupiter.api.Test;

class ActivationTest {
    @Test
    void geluIsXTimesTheNormalCdf() {
        // Phi(1) and Phi(-2) from standard normal tables (to 16 digits), independent of the code under test.
        assertThat(Activation.GELU.apply(1.0)).isCloseTo(0.8413447460685429, within(1e-15));
        assertThat(Activation.GELU.apply(-2.0)).isCloseTo(-2.0 * 0.022750131948179195, within(1e-15));
        assertThat(Activation.GELU.apply(0.0)).isZero();
    }

    @Test
    void lecunTanhUsesTheNcpsConstants() {
        assertThat(Activation.LECUN_TANH.apply(1.0)).isCloseTo(1.7159 * Math.tanh(0.666), within(1e-15));
    }

    @Test
    void floatAndDoubleAgree() {
        for (Activation a : Activation.values()) {
            for (double z = -5; z <= 5; z += 0.25) {
                assertThat((double) a.apply((float) z)).as(a + " at " + z).isCloseTo(a.apply(z), within(1e-6));
            }
        }
    }

    @Test
    void unknownNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> Activation.parse("swish", "layer 0"))
                .isInstanceOf(EngineException.class).hasMessageContaining("layer 0").hasMessageContaining("'swish'");
    }
}
