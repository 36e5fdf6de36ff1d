package dev.quantumliquid.engine.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnergyProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode builtInJson() throws IOException {
        try (InputStream in = EnergyProfileTest.class.getResourceAsStream("/energy/cortex-m4f.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static EnergyProfile parse(ObjectNode root) throws IOException {
        return EnergyProfile.parse("p.json", JSON.writeValueAsBytes(root));
    }

    @Test
    void builtInProfileLoadsWithASourceForEveryNumber() {
        EnergyProfile p = EnergyProfile.load("cortex-m4f");
        assertThat(p.name()).isEqualTo("cortex-m4f");
        assertThat(p.caveats()).contains("not a measurement");
        assertThat(p.clockMhz().value()).isEqualTo(168.0);
        assertThat(p.clockMhz().source()).contains("DS8626");
        // The two figures the Cortex-M4 TRM's timings give outright (mac: two loads, a multiply and an add).
        assertThat(p.cycles(OpKind.MAC).value()).isEqualTo(5.0);
        assertThat(p.cycles(OpKind.DIVISION).value()).isEqualTo(14.0);
        assertThat(p.cycles(OpKind.MAC).source()).contains("ARM DDI 0439B").contains("VLDR.F32");
        assertThat(p.cyclesPerInstruction()).hasValueSatisfying(f -> {
            assertThat(f.value()).isEqualTo(1.3);
            assertThat(f.source()).contains("ARM DDI 0439B").contains("assumed");
        });
        assertThat(p.cycles(OpKind.DIVISION).source()).contains("VDIV.F32");
        // The figures that are estimates say so.
        assertThat(p.cycles(OpKind.TRANSCENDENTAL).source()).startsWith("Estimate");
        assertThat(p.cycles(OpKind.AMPLITUDE_UPDATE).source()).startsWith("Estimate");
        for (OpKind k : OpKind.values()) {
            assertThat(p.cycles(k).source()).as(k.key()).isNotBlank();
            assertThat(p.cycles(k).value()).as(k.key()).isPositive();
        }
        // 40 mA x 3.3 V at 168 MHz.
        assertThat(p.picojoulesPerCycle().value()).isCloseTo(0.040 * 3.3 / 168e6 * 1e12, within(1e-9));
        assertThat(p.picojoulesPerCycle().source()).startsWith("derived: run_power_mw x 1000 / clock_mhz").contains("DS8626");
    }

    @Test
    void theModelNamesItsProfile() {
        assertThat(EnergyProfile.forModel(TestModels.denseScale()).name()).isEqualTo("cortex-m4f");
    }

    @Test
    void unknownProfileNameListsTheKnownOnes() {
        assertThatThrownBy(() -> EnergyProfile.load("cortex-m0"))
                .isInstanceOf(EngineException.class)
                .hasMessage("energy profile 'cortex-m0' is unknown (known: cortex-m4f)");
        assertThatThrownBy(() -> EnergyProfile.load("../energy/cortex-m4f"))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("energy profile '../energy/cortex-m4f' is unknown");
    }

    @Test
    void picojoulesPerCycleMayBeGivenDirectly() throws IOException {
        ObjectNode root = builtInJson();
        root.remove("run_power_mw");
        root.putObject("picojoules_per_cycle").put("value", 500.0).put("source", "a test figure");
        EnergyProfile p = parse(root);
        assertThat(p.picojoulesPerCycle().value()).isEqualTo(500.0);
        assertThat(p.picojoulesPerCycle().source()).isEqualTo("a test figure");
    }

    @Test
    void badFilesAreRefusedNamingTheField() throws IOException {
        assertThatThrownBy(() -> EnergyProfile.parse("p.json", "{oops".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EngineException.class).hasMessageStartingWith("p.json: not valid JSON (");
        assertThatThrownBy(() -> EnergyProfile.parse("p.json", "[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EngineException.class).hasMessage("p.json: must hold a JSON object");

        ObjectNode fmt = builtInJson().put("format", "energy/0");
        assertThatThrownBy(() -> parse(fmt)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: field 'format' must be 'qlnn-energy-profile/1', got 'energy/0'");

        ObjectNode noClock = builtInJson();
        noClock.remove("clock_mhz");
        assertThatThrownBy(() -> parse(noClock)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: missing field 'clock_mhz'");

        ObjectNode neither = builtInJson();
        neither.remove("run_power_mw");
        assertThatThrownBy(() -> parse(neither)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: needs exactly one of 'picojoules_per_cycle' or 'run_power_mw', got neither");
        ObjectNode both = builtInJson();
        both.putObject("picojoules_per_cycle").put("value", 1.0).put("source", "x");
        assertThatThrownBy(() -> parse(both)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: needs exactly one of 'picojoules_per_cycle' or 'run_power_mw', got both");

        ObjectNode negative = builtInJson();
        ((ObjectNode) negative.get("cycles").get("division")).put("value", -14);
        assertThatThrownBy(() -> parse(negative)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: cycles: division: field 'value' must be a number in [0.0, 1.0E7], got -14");

        ObjectNode text = builtInJson();
        ((ObjectNode) text.get("cycles").get("mac")).put("value", "3");
        assertThatThrownBy(() -> parse(text)).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("p.json: cycles: mac: field 'value' must be a number");

        ObjectNode noSource = builtInJson();
        ((ObjectNode) noSource.get("cycles").get("mac")).remove("source");
        assertThatThrownBy(() -> parse(noSource)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: cycles: mac: missing field 'source'");

        ObjectNode blank = builtInJson();
        ((ObjectNode) blank.get("clock_mhz")).put("source", "  ");
        assertThatThrownBy(() -> parse(blank)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: clock_mhz: field 'source' must cite the public source of the value, got an empty string");

        ObjectNode bare = builtInJson();
        ((ObjectNode) bare.get("cycles")).put("mac", 3);
        assertThatThrownBy(() -> parse(bare)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: cycles: mac: must be an object {\"value\": number, \"source\": text}, got 3");

        ObjectNode extra = builtInJson();
        ((ObjectNode) extra.get("cycles")).putObject("sqrt").put("value", 14).put("source", "TRM");
        assertThatThrownBy(() -> parse(extra)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: cycles: unknown operation kind 'sqrt' (expected mac, transcendental, division, amplitude_update)");

        ObjectNode missing = builtInJson();
        ((ObjectNode) missing.get("cycles")).remove("amplitude_update");
        assertThatThrownBy(() -> parse(missing)).isInstanceOf(EngineException.class)
                .hasMessage("p.json: cycles: missing field 'amplitude_update'");

        ObjectNode zeroClock = builtInJson();
        ((ObjectNode) zeroClock.get("clock_mhz")).put("value", 0);
        assertThatThrownBy(() -> parse(zeroClock)).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("p.json: clock_mhz: field 'value' must be a number in");
    }
}
