package dev.quantumliquid.engine.liquid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.model.NcpsImport;
import org.junit.jupiter.api.Test;

/** opsPerStep, parameterCount and synapses() against hand counts (rules in the layers' javadoc). */
class NcpsOpsTest {
    @Test
    void tinyLtcCountsByHand() {
        Layer l = Tiny.ltc().build(Tiny.ltcSpec());
        // input mapping: 2 MACs; 3 sensory synapses x (3 MACs + 1 sigmoid); cm_t: 1 division + 3 MACs;
        // 2 unfolds x (4 recurrent synapses x (3 MACs + 1 sigmoid) + 3 neurons x (1 MAC + 1 division));
        // output mapping: 1 MAC.
        long macs = 2 + 3 * 3 + 3 + 2 * (4 * 3 + 3) + 1;
        assertThat(l.opsPerStep()).isEqualTo(new OpCounts(macs, 3 + 2 * 4, 1 + 2 * 3, 0));
        // gleak, vleak, cm (3 each), sigma, mu, w, erev (9 each), sensory_* (4 x 6), input_w/b (2 each), output_w/b (1 each)
        assertThat(l.parameterCount()).isEqualTo(9 + 36 + 24 + 4 + 2);
        assertThat(l.synapses()).contains(new SynapseCount(9 + 6, 4 + 3));
        assertThat(l.outputSize()).isEqualTo(1);
        assertThat(l.stateSize()).isEqualTo(3);
    }

    @Test
    void tinyLtcWithoutMappingsCountsNoMappingMacs() {
        Tiny t = Tiny.ltc();
        t.tensors.remove("rnn_cell.input_w");
        t.tensors.remove("rnn_cell.input_b");
        t.tensors.remove("rnn_cell.output_w");
        t.tensors.remove("rnn_cell.output_b");
        var spec = Tiny.ltcSpec().put("input_mapping", "none").put("output_mapping", "none");
        Layer l = t.build(spec);
        assertThat(l.opsPerStep().macs()).isEqualTo(3 * 3 + 3 + 2 * (4 * 3 + 3));
        assertThat(l.parameterCount()).isEqualTo(9 + 36 + 24);
    }

    @Test
    void tinyCfcCountsByHand() {
        Layer l = Tiny.cfc().build(Tiny.cfcSpec());
        // backbone 4x(2+3) MACs + 4 lecun_tanh (2 MACs + 1 tanh each); 4 heads of 3x4 MACs;
        // per unit: ta*dt (1 MAC) + mixing (2 MACs), 2 tanh + 1 sigmoid.
        long macs = 4 * 5 + 4 * 2 + 4 * 3 * 4 + 3 * (1 + 2);
        assertThat(l.opsPerStep()).isEqualTo(new OpCounts(macs, 4 + 3 * 3, 0, 0));
        assertThat(l.parameterCount()).isEqualTo(4 * 5 + 4 + 4 * (3 * 4 + 3));
        assertThat(l.synapses()).isEmpty();
        assertThat(l.prunable()).isEmpty();
    }

    @Test
    void wiredCfcFixtureCountsByHand() {
        Fixtures.Case c = Fixtures.get("ncps", "cfc_wired_autoncp_10_16_2");
        Layer l = NcpsImport.toModel(c.name(), c.spec(), c.weights()).layers().get(0);
        // per wiring layer (n units, in+n wide, p present mask entries): ff1 and ff2 p MACs each, time_a and
        // time_b n*(in+n) each, 3 MACs and 3 transcendentals per unit. Present entries: 125, 43, 9.
        long macs = (2 * 125 + 2 * 9 * 19 + 3 * 9) + (2 * 43 + 2 * 5 * 14 + 3 * 5) + (2 * 9 + 2 * 2 * 7 + 3 * 2);
        assertThat(l.opsPerStep()).isEqualTo(new OpCounts(macs, 3 * 16, 0, 0));
        assertThat(l.synapses()).contains(new SynapseCount(9 * 19 + 5 * 14 + 2 * 7, 125 + 43 + 9));
    }

    @Test
    void mixedMemoryAddsTheLstmCell() {
        Fixtures.Case c = Fixtures.get("ncps", "cfc_mixed_proj");
        Layer l = NcpsImport.toModel(c.name(), c.spec(), c.weights()).layers().get(0);
        // CfC 4 in, 10 units, backbone 16: 16*14 + 16*2 MACs, 16 tanh; heads 4*10*16 + 10*3 MACs, 30 transcendentals;
        // projection 3*10; LSTM 4*10*(4+10) + 3*10 MACs, 5*10 transcendentals.
        long macs = 16 * 14 + 16 * 2 + 4 * 10 * 16 + 10 * 3 + 3 * 10 + 4 * 10 * 14 + 3 * 10;
        assertThat(l.opsPerStep()).isEqualTo(new OpCounts(macs, 16 + 30 + 50, 0, 0));
        assertThat(l.stateSize()).isEqualTo(20);
        assertThat(l.cellSize()).isEqualTo(10);
        assertThat(l.outputSize()).isEqualTo(3);
    }
}
