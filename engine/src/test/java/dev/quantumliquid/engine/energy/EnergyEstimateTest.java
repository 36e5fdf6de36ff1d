package dev.quantumliquid.engine.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.TestModels;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.LayerKind;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.Workspace;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EnergyEstimateTest {
    // The profile's numbers, read from the data file independently of EnergyProfile.
    private static double mac;
    private static double trans;
    private static double div;
    private static double amp;
    private static double pjPerCycle;
    private static double clockHz;

    @BeforeAll
    static void readProfileFile() throws IOException {
        JsonNode root = EnergyProfileTest.builtInJson();
        JsonNode c = root.get("cycles");
        mac = c.get("mac").get("value").asDouble();
        trans = c.get("transcendental").get("value").asDouble();
        div = c.get("division").get("value").asDouble();
        amp = c.get("amplitude_update").get("value").asDouble();
        double mhz = root.get("clock_mhz").get("value").asDouble();
        clockHz = mhz * 1e6;
        double watts = root.get("run_power_mw").get("value").asDouble() * 1e-3;
        pjPerCycle = watts / clockHz * 1e12;
    }

    @Test
    void denseAndScaleModelHandCounted() {
        // scale [3]: 3 mac. dense 3 -> 2 with tanh: 2 x 3 = 6 mac, 2 tanh.
        Model m = TestModels.denseScale();
        assertThat(m.opsPerStep()).isEqualTo(new OpCounts(9, 2, 0, 0));

        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.load("cortex-m4f"));
        double cycles = 9 * mac + 2 * trans;
        double uj = cycles * pjPerCycle * 1e-6;
        assertThat(e.profile()).isEqualTo("cortex-m4f");
        assertThat(e.ops()).isEqualTo(new OpCounts(9, 2, 0, 0));
        assertThat(e.cyclesPerStep()).isEqualTo(cycles);
        assertThat(e.microjoulesPerStep()).isCloseTo(uj, within(uj * 1e-12));
        assertThat(e.sampleRateHz()).isEqualTo(10.0);
        assertThat(e.microwatts()).isCloseTo(uj * 10.0, within(uj * 1e-11));
        assertThat(e.coreLoad()).isCloseTo(cycles * 10.0 / clockHz, within(1e-15));
    }

    @Test
    void reluAndNoneActivationsCostNoTranscendental() {
        for (String act : new String[] {"relu", "none"}) {
            ObjectNode json = TestModels.denseScaleJson();
            ((ObjectNode) json.get("layers").get(1)).put("activation", act);
            Model m = ModelFiles.build(json, TestModels.file("weights.safetensors", TestModels.denseScaleWeights()));
            assertThat(m.opsPerStep()).as(act).isEqualTo(new OpCounts(9, 0, 0, 0));
            assertThat(EnergyEstimate.of(m, EnergyProfile.load("cortex-m4f")).cyclesPerStep()).isEqualTo(9 * mac);
        }
    }

    @Test
    void everyOperationKindIsPricedAtItsOwnRate() {
        List<Layer> layers = new ArrayList<>(TestModels.denseScale().layers());
        layers.add(new CountingLayer(2, new OpCounts(5, 7, 11, 13)));
        Model m = new Model(TestModels.info("mixed", 3, 2, 250.0), layers);
        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.load("cortex-m4f"));
        double cycles = (9 + 5) * mac + (2 + 7) * trans + 11 * div + 13 * amp;
        double uj = cycles * pjPerCycle * 1e-6;
        assertThat(e.ops()).isEqualTo(new OpCounts(14, 9, 11, 13));
        assertThat(e.cyclesPerStep()).isEqualTo(cycles);
        assertThat(e.microjoulesPerStep()).isCloseTo(uj, within(uj * 1e-12));
        assertThat(e.microwatts()).isCloseTo(uj * 250.0, within(uj * 250.0 * 1e-12));
    }

    @Test
    void noOperationsCostNothing() {
        EnergyEstimate e = EnergyEstimate.of(OpCounts.ZERO, 100.0, EnergyProfile.load("cortex-m4f"));
        assertThat(e.cyclesPerStep()).isZero();
        assertThat(e.microwatts()).isZero();
    }

    /** A pass-through layer that reports fixed operation counts. */
    private record CountingLayer(int size, OpCounts ops) implements Layer {
        @Override
        public String name() {
            return "counting";
        }

        @Override

        public LayerKind kind() {

            return LayerKind.DENSE;

        }


        @Override
        public String type() {
            return "test";
        }

        @Override
        public int inputSize() {
            return size;
        }

        @Override
        public int outputSize() {
            return size;
        }

        @Override
        public int stateSize() {
            return 0;
        }

        @Override
        public Workspace newWorkspace() {
            return Workspace.NONE;
        }

        @Override
        public float step(float[] x, float[] y, float[] state, int stateOffset, float dt, Workspace ws) {
            System.arraycopy(x, 0, y, 0, size);
            return Float.NaN;
        }

        @Override
        public double stepReference(double[] x, double[] y, double[] state, int stateOffset, double dt) {
            System.arraycopy(x, 0, y, 0, size);
            return Double.NaN;
        }

        @Override
        public OpCounts opsPerStep() {
            return ops;
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public List<Tensor> tensors() {
            return List.of();
        }
    }
}
