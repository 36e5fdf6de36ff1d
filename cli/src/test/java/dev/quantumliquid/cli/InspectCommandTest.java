package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.energy.OpKind;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.testkit.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void textShowsLayersSizesOpsAndNoInventedEnergy() {
        Path dir = TestModels.mlp(tmp.resolve("m"));
        Cli.Run r = Cli.run("inspect", "--model", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("model:", "tiny", "3 features", "(speed, angle)", "50 Hz");
        assertThat(r.out()).containsPattern("norm\\s+scale\\s+3\\s+3\\s+0\\s+6\\s+0");
        assertThat(r.out()).containsPattern("hidden\\s+dense\\s+3\\s+4\\s+0\\s+16\\s+0");
        assertThat(r.out()).containsPattern("head\\s+dense\\s+4\\s+2\\s+0\\s+10\\s+0");
        assertThat(r.out()).containsPattern("total parameters:\\s+32");
        assertThat(r.out()).containsPattern("liquid sparsity:\\s+not applicable");
        // MACs: scale 3 + dense 3*4 + dense 4*2 = 23; tanh on 4 outputs
        assertThat(r.out()).containsPattern("ops per step:\\s+macs 23, transcendentals 4, divisions 0, amplitude updates 0");
        assertThat(r.out()).containsPattern("energy per step:\\s+[0-9.eE-]+ uJ \\(profile cortex-m4f\\)");
        assertThat(r.out()).containsPattern("power at 50 Hz:\\s+[0-9.eE-]+ uW");
    }

    @Test
    void jsonIsOneObjectWithTheSameFacts() throws Exception {
        Path dir = TestModels.mlp(tmp.resolve("m"));
        Cli.Run r = Cli.run("inspect", "--model", dir.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(r.out());
        assertThat(o.get("name").asText()).isEqualTo("tiny");
        assertThat(o.get("layers")).hasSize(3);
        JsonNode hidden = o.get("layers").get(1);
        assertThat(hidden.get("type").asText()).isEqualTo("dense");
        assertThat(hidden.get("in").asInt()).isEqualTo(3);
        assertThat(hidden.get("out").asInt()).isEqualTo(4);
        assertThat(hidden.get("parameters").asLong()).isEqualTo(16);
        assertThat(o.get("total_parameters").asLong()).isEqualTo(32);
        assertThat(o.get("state_size").asInt()).isZero();
        assertThat(o.get("qubits").asInt()).isZero();
        assertThat(o.get("liquid_sparsity").asText()).isEqualTo("not applicable");
        assertThat(o.get("ops_per_step").get("macs").asLong()).isEqualTo(23);
        assertThat(o.get("ops_per_step").get("total").asLong()).isEqualTo(27);
        // 23 MACs and 4 tanh, priced with the profile's own figures; power = energy per step x 50 Hz.
        EnergyProfile p = EnergyProfile.load("cortex-m4f");
        double cycles = 23 * p.cycles(OpKind.MAC).value() + 4 * p.cycles(OpKind.TRANSCENDENTAL).value();
        double uj = cycles * p.picojoulesPerCycle().value() * 1e-6;
        assertThat(o.get("energy").get("uj_per_step").asDouble()).isCloseTo(uj, within(1e-12));
        assertThat(o.get("energy").get("power_uw").asDouble()).isCloseTo(uj * 50.0, within(1e-10));
    }

    @Test
    void missingModelIsOneLine() {
        Cli.Run r = Cli.run("inspect", "--model", tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
    }
}
