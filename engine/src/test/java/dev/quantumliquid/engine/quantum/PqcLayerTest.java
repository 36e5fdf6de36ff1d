package dev.quantumliquid.engine.quantum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.kernel.GateKernels;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.layer.OpCounts;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PqcLayerTest {
    private static final GateKernels[] KERNELS = {GateKernels.SCALAR, GateKernels.VECTOR};

    /** One step on both paths: {y..., coherence} from the reference, then the same from the fast path. */
    private static double[][] both(PqcLayer l, double... x) {
        int n = l.outputSize();
        double[] ref = new double[n + 1];
        double[] y = new double[n];
        ref[n] = l.stepReference(x, y, new double[0], 0, 1.0);
        System.arraycopy(y, 0, ref, 0, n);
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        float[] yf = new float[n];
        double[] fast = new double[n + 1];
        fast[n] = l.step(xf, yf, new float[0], 0, 1f, l.newWorkspace());
        for (int i = 0; i < n; i++) {
            fast[i] = yf[i];
        }
        return new double[][] {ref, fast};
    }

    private static PqcLayer uniform(int n, int layers, double p, double phi, double theta, double omega, GateKernels k) {
        double[] rot = new double[layers * n * 3];
        for (int g = 0; g < layers * n; g++) {
            rot[3 * g] = phi;
            rot[3 * g + 1] = theta;
            rot[3 * g + 2] = omega;
        }
        return PqcTestLayers.layer(PqcTestLayers.spec(1, n, layers, p), new double[n], new double[n], rot, k);
    }

    @Test
    void plusStateHasCoherenceOne() {
        // u = 0: H, RY(0), RZ(0) give |+> on every wire; Rot(0,0,0) = I; the CNOT ring permutes a uniform state
        for (GateKernels k : KERNELS) {
            for (int n = 1; n <= 6; n++) {
                for (double[] r : both(uniform(n, 2, 0, 0, 0, 0, k), 0.0)) {
                    for (int q = 0; q < n; q++) {
                        assertThat(r[q]).as("<Z_%d>, n %d", q, n).isCloseTo(0, within(1e-7));
                    }
                    assertThat(r[n]).as("coherence, n %d", n).isCloseTo(1, within(1e-7));
                }
            }
        }
    }

    @Test
    void dephasedPlusStateHasClosedFormCoherence() {
        // one layer: rho = |+><+| (entries 1/D) is dephased last, entry (i,j) by f^popcount(i^j), f = 1-2p,
        // so C = sum_{d != 0} f^popcount(d) / (D-1) = ((1+f)^n - 1) / (2^n - 1)
        for (GateKernels k : KERNELS) {
            for (int n = 1; n <= 4; n++) {
                double p = 0.1;
                double f = 1 - 2 * p;
                double want = (Math.pow(1 + f, n) - 1) / ((1 << n) - 1);
                for (double[] r : both(uniform(n, 1, p, 0, 0, 0, k), 0.0)) {
                    assertThat(r[n]).as("coherence, n %d", n).isCloseTo(want, within(1e-7));
                }
            }
        }
    }

    @Test
    void basisStatesHaveCoherenceZeroAndTheRingOrderShows() {
        // Rot(0, -pi/2, 0) = RY(-pi/2) takes |+> to |0>; RY(pi/2) takes |+> to |1>.
        // n=3: |111> -CNOT(0,1)-> |101> -CNOT(1,2)-> |101> -CNOT(2,0)-> |001>: <Z> = (1, 1, -1)
        // n=4: |1111> -> |1011> -> |1011> -> |1010> -> |1010>: <Z> = (-1, 1, -1, 1); n=2: |11> -> |10>
        double[][] ones = {{}, {-1}, {-1, 1}, {1, 1, -1}, {-1, 1, -1, 1}};
        for (GateKernels k : KERNELS) {
            for (double p : new double[] {0, 0.2}) {
                for (int n = 1; n <= 4; n++) {
                    for (double[] r : both(uniform(n, 1, p, 0, -Math.PI / 2, 0, k), 0.0)) {
                        for (int q = 0; q < n; q++) {
                            assertThat(r[q]).isCloseTo(1, within(1e-7));
                        }
                        assertThat(r[n]).isCloseTo(0, within(1e-7));
                    }
                    for (double[] r : both(uniform(n, 1, p, 0, Math.PI / 2, 0, k), 0.0)) {
                        for (int q = 0; q < n; q++) {
                            assertThat(r[q]).as("n %d p %s <Z_%d>", n, p, q).isCloseTo(ones[n][q], within(1e-7));
                        }
                        assertThat(r[n]).isCloseTo(0, within(1e-7));
                    }
                }
            }
        }
    }

    @Test
    void oneQubitMatchesTheHandDerivedBlochVector() {
        // H|0> has Bloch vector (1,0,0); RY(a) turns it to (cos a, 0, -sin a); RZ(b + phi) keeps z and turns
        // (x, y) to cos a (cos(b+phi), sin(b+phi)); RY(theta) gives z = -x sin theta + z cos theta; RZ(omega)
        // keeps z. So <Z> = -sin a cos theta - cos a cos(b+phi) sin theta, with a = atan u, b = atan u^2.
        // Pure: C = 2|rho_01| = sqrt(1 - z^2). Dephasing after the layer scales rho_01 by (1 - 2p).
        double w = 0.8;
        double bias = -0.3;
        double phi = 0.7;
        double theta = -1.3;
        double omega = 2.1;
        for (GateKernels k : KERNELS) {
            for (double p : new double[] {0, 0.15}) {
                PqcLayer l = PqcTestLayers.layer(PqcTestLayers.spec(1, 1, 1, p), new double[] {w},
                        new double[] {bias}, new double[] {phi, theta, omega}, k);
                for (double x : new double[] {-2, -0.5, 0, 0.375, 1, 3}) {
                    double u = w * (float) x + bias;
                    double a = Math.atan(u);
                    double b = Math.atan(u * u);
                    double z = -Math.sin(a) * Math.cos(theta) - Math.cos(a) * Math.cos(b + phi) * Math.sin(theta);
                    double c = (1 - 2 * p) * Math.sqrt(1 - z * z);
                    for (double[] r : both(l, x)) {
                        assertThat(r[0]).as("<Z> at x %s p %s", x, p).isCloseTo(z, within(1e-6));
                        assertThat(r[1]).as("C at x %s p %s", x, p).isCloseTo(c, within(1e-6));
                    }
                }
            }
        }
    }

    @Test
    void dephasingReducesCoherenceMonotonically() {
        // with one layer the dephasing is the last operation: every off-diagonal entry shrinks by |1-2p|^h
        for (int n = 1; n <= 4; n++) {
            double[] x = {0.3, -0.7};
            double prevRef = Double.POSITIVE_INFINITY;
            double prevFast = Double.POSITIVE_INFINITY;
            for (double p = 0; p <= 0.5; p += 0.05) {
                double[][] r = both(PqcTestLayers.random(2, n, 1, p, 42 + n, GateKernels.VECTOR), x);
                assertThat(r[0][n]).as("reference C at n %d p %.2f", n, p).isLessThan(prevRef);
                assertThat(r[1][n]).as("fast C at n %d p %.2f", n, p).isLessThan(prevFast);
                prevRef = r[0][n];
                prevFast = r[1][n];
            }
            assertThat(prevRef).isCloseTo(0, within(1e-12));
        }
    }

    @Test
    void tinyDephasingApproachesThePureState() {
        // the density-matrix and statevector simulations must agree in the limit p -> 0
        double[] x = {0.9, -0.1, 0.4};
        for (int n = 1; n <= 5; n++) {
            double[][] pure = both(PqcTestLayers.random(3, n, 3, 0, 100 + n, GateKernels.VECTOR), x);
            double[][] mixed = both(PqcTestLayers.random(3, n, 3, 1e-10, 100 + n, GateKernels.VECTOR), x);
            assertThat(mixed[0]).containsExactly(pure[0], within(1e-8));
            assertThat(mixed[1]).containsExactly(pure[1], within(1e-6));
        }
    }

    @Test
    void fastPathMatchesTheReferenceOnRandomCircuits() {
        Random r = new Random(3);
        for (GateKernels k : KERNELS) {
            for (int n = 1; n <= 10; n++) {
                for (double p : n <= 6 ? new double[] {0, 0.07} : new double[] {0}) {
                    PqcLayer l = PqcTestLayers.random(4, n, 1 + n % 3, p, 1000 + n, k);
                    double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
                    double[][] res = both(l, x);
                    assertThat(res[1]).as("n %d p %s", n, p).containsExactly(res[0], within(1e-6));
                }
            }
        }
    }

    @Test
    void refusesCircuitsBeyondTheLimits() {
        assertThatThrownBy(() -> PqcTestLayers.random(2, 13, 1, 0, 1, GateKernels.SCALAR))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("'n_qubits'").hasMessageContaining("12").hasMessageContaining("13");
        assertThatThrownBy(() -> PqcTestLayers.random(2, 9, 1, 0.05, 1, GateKernels.SCALAR))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("dephasing needs the exact density matrix, limited to 8 qubits")
                .hasMessageContaining("9");
        assertThat(PqcTestLayers.random(2, 12, 1, 0, 1, GateKernels.SCALAR).qubits()).isEqualTo(12);
        assertThat(PqcTestLayers.random(2, 8, 1, 0.05, 1, GateKernels.SCALAR).qubits()).isEqualTo(8);
    }

    @Test
    void refusesUnknownChoicesAndBadNumbersNamingTheField() {
        for (String[] bad : new String[][] {{"encoding", "amplitude"}, {"entangler", "cz_ring"}, {"readout", "pauli_x"}}) {
            ObjectNode spec = PqcTestLayers.spec(2, 2, 1, 0);
            spec.put(bad[0], bad[1]);
            assertThatThrownBy(() -> PqcLayer.create(PqcTestLayers.source(spec, new double[4], new double[2], new double[6])))
                    .isInstanceOf(EngineException.class).hasMessageContaining("'" + bad[0] + "'")
                    .hasMessageContaining(bad[1]);
        }
        for (double p : new double[] {1.0, -0.1, 2}) {
            ObjectNode spec = PqcTestLayers.spec(2, 2, 1, p);
            assertThatThrownBy(() -> PqcLayer.create(PqcTestLayers.source(spec, new double[4], new double[2], new double[6])))
                    .isInstanceOf(EngineException.class).hasMessageContaining("'dephasing'");
        }
        for (int layers : new int[] {0, PqcLayer.MAX_CIRCUIT_LAYERS + 1}) {
            ObjectNode spec = PqcTestLayers.spec(2, 2, layers, 0);
            assertThatThrownBy(() -> PqcLayer.create(PqcTestLayers.source(spec, new double[4], new double[2], new double[6])))
                    .isInstanceOf(EngineException.class).hasMessageContaining("'layers'");
        }
        ObjectNode spec = PqcTestLayers.spec(2, 2, 2, 0); // rotations below hold one layer only
        assertThatThrownBy(() -> PqcLayer.create(PqcTestLayers.source(spec, new double[4], new double[2], new double[6])))
                .isInstanceOf(EngineException.class).hasMessageContaining("'rotations'").hasMessageContaining("[2, 2, 3]");
    }

    @Test
    void describesItself() {
        PqcLayer l = PqcTestLayers.random(5, 3, 2, 0, 9, GateKernels.VECTOR);
        assertThat(l.type()).isEqualTo("pqc");
        assertThat(l.inputSize()).isEqualTo(5);
        assertThat(l.outputSize()).isEqualTo(3);
        assertThat(l.stateSize()).isZero();
        assertThat(l.reportsCoherence()).isTrue();
        assertThat(l.qubits()).isEqualTo(3);
        assertThat(l.parameterCount()).isEqualTo(3 * 5 + 3 + 2 * 3 * 3);
        assertThat(l.tensors()).extracting(Tensor::name).containsExactly("input_proj.weight", "input_proj.bias", "rotations");
        assertThat(l.tensors()).extracting(Tensor::shape)
                .containsExactly(new int[] {3, 5}, new int[] {3}, new int[] {2, 3, 3});
    }

    @Test
    void countsOperationsAsHandCounted() {
        // n=1, F=3, L=1, pure (D=2): MACs 3 projection + 1 u^2 + 4 |a|^2 + 2 halving sums + 1 <Z> + 6 sum|a|
        // + 1 (S^2 - norm) = 18; transcendentals atan, atan, sin, cos, sin, cos = 6; divisions 2 roots + 1 = 3;
        // updates: the wire's 2-vector 2 + no tensor product 0 + one Rot on 2 amplitudes 2 = 4
        assertThat(PqcTestLayers.random(3, 1, 1, 0, 1, GateKernels.SCALAR).opsPerStep())
                .isEqualTo(new OpCounts(18, 6, 3, 4));
        // n=2, F=4, L=2, pure (D=4): MACs 8 + 2 + 8 + 2*3 + 2 + 12 + 1 = 39; transcendentals 12;
        // divisions 4 + 1 = 5; updates 4 (2-vectors) + 4 (product 2x2) + 2 layers * 2 wires * 4 = 24
        assertThat(PqcTestLayers.random(4, 2, 2, 0, 1, GateKernels.SCALAR).opsPerStep())
                .isEqualTo(new OpCounts(39, 12, 5, 24));
        // n=1, F=3, L=1, p>0 (D=2, E=4, one entry above the diagonal): MACs 3 + 1 + 2 halving + 1 <Z>
        // + 3 |rho_01| + 1 (2 sum / 1) = 11; divisions 1 root + 1 = 2; updates 2 + 0 + 4 outer product
        // + (2 * 1 wire * 4 gate passes + 2 off-diagonal dephased) = 16
        assertThat(PqcTestLayers.random(3, 1, 1, 0.1, 1, GateKernels.SCALAR).opsPerStep())
                .isEqualTo(new OpCounts(11, 6, 2, 16));
        // n=2, F=4, L=2, p>0 (D=4, E=16, 6 entries above the diagonal): MACs 8 + 2 + 6 + 2 + 18 + 1 = 37;
        // divisions 6 + 1 = 7; updates 4 + 4 + 16 + 2 layers * (2*2*16 + 12) = 176
        assertThat(PqcTestLayers.random(4, 2, 2, 0.1, 1, GateKernels.SCALAR).opsPerStep())
                .isEqualTo(new OpCounts(37, 12, 7, 176));
    }

    /**
     * Checked with the scalar kernels: until C2 compiles them, Vector API calls box their vectors on
     * the heap whatever the caller does (after warm-up the vector twin also measures 0 bytes a step).
     */
    @Test
    void stepDoesNotAllocate() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (double p : new double[] {0, 0.05}) {
            PqcLayer l = PqcTestLayers.random(4, 5, 2, p, 2, GateKernels.SCALAR);
            Workspace ws = l.newWorkspace();
            float[] x = {0.1f, 0.2f, -0.3f, 0.4f};
            float[] y = new float[5];
            float[] state = new float[0];
            for (int i = 0; i < 2000; i++) {
                l.step(x, y, state, 0, 1f, ws);
            }
            // The least of three windows: a step that allocates shows in every window, while a one-off
            // allocation of the JVM's own (a compilation's deoptimisation, say) shows in one at most.
            long allocated = Long.MAX_VALUE;
            for (int w = 0; w < 3; w++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 2000; i++) {
                    x[0] = i * 1e-3f;
                    l.step(x, y, state, 0, 1f, ws);
                }
                allocated = Math.min(allocated, mx.getThreadAllocatedBytes(tid) - before);
            }
            assertThat(allocated).as("bytes allocated by 2000 steps, dephasing %s", p).isLessThan(1024);
        }
    }
}
