package dev.quantumliquid.engine.quantum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantumGatesTest {
    private static final double EPS = 1e-14;

    private static void assertUnitary(double[] u, String what) {
        double[] prod = Gates.mul(Gates.dagger(u), u);
        double[] identity = {1, 0, 0, 0, 0, 0, 1, 0};
        for (int i = 0; i < 8; i++) {
            assertThat(prod[i]).as("%s: (U^dagger U)[%d]", what, i).isCloseTo(identity[i], within(EPS));
        }
    }

    @Test
    void everyGateIsUnitary() {
        assertUnitary(Gates.h(), "H");
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            double a = (r.nextDouble() * 2 - 1) * 10;
            double b = (r.nextDouble() * 2 - 1) * 10;
            double c = (r.nextDouble() * 2 - 1) * 10;
            assertUnitary(Gates.ry(a), "RY(" + a + ")");
            assertUnitary(Gates.rz(a), "RZ(" + a + ")");
            assertUnitary(Gates.rot(a, b, c), "Rot(" + a + ", " + b + ", " + c + ")");
        }
    }

    @Test
    void gatesMatchTheSpecMatrices() {
        double t = 0.7;
        double c = Math.cos(t / 2);
        double s = Math.sin(t / 2);
        assertThat(Gates.ry(t)).containsExactly(new double[] {c, 0, -s, 0, s, 0, c, 0}, within(EPS));
        assertThat(Gates.rz(t)).containsExactly(new double[] {c, -s, 0, 0, 0, 0, c, s}, within(EPS));
        // H H = I, and Rot(phi, 0, omega) = RZ(phi + omega)
        assertThat(Gates.mul(Gates.h(), Gates.h())).containsExactly(new double[] {1, 0, 0, 0, 0, 0, 1, 0}, within(EPS));
        assertThat(Gates.rot(0.3, 0, 0.9)).containsExactly(Gates.rz(1.2), within(EPS));
    }

    @Test
    void rotAppliesRzPhiFirst() {
        // Rot(phi, theta, omega)|0> = RZ(omega) RY(theta) e^{-i phi/2}|0>: amplitudes
        // e^{-i(phi+omega)/2} cos(theta/2) and e^{-i(phi-omega)/2} sin(theta/2)
        double phi = 0.4;
        double theta = 1.1;
        double omega = -0.8;
        double[] u = Gates.rot(phi, theta, omega);
        double a0 = -(phi + omega) / 2;
        double a1 = -(phi - omega) / 2;
        assertThat(new double[] {u[0], u[1], u[4], u[5]}).containsExactly(new double[] {
            Math.cos(a0) * Math.cos(theta / 2), Math.sin(a0) * Math.cos(theta / 2),
            Math.cos(a1) * Math.sin(theta / 2), Math.sin(a1) * Math.sin(theta / 2)}, within(EPS));
    }
}
