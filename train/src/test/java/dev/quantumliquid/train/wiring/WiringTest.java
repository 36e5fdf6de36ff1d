package dev.quantumliquid.train.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.train.TrainException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated wirings against ncps 1.0.1: the fixtures' adjacency (built with ncps's default seeds) and,
 * for cases the fixtures do not cover, checksums from numpy 2.4.6 running ncps's wiring code.
 */
class WiringTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** Every fixture whose units is a wiring object, regenerated from its params, default seed and input_dim. */
    @Test
    void reproducesEveryWiredFixture() {
        int checked = 0;
        for (Fixtures.Case c : Fixtures.all("ncps")) {
            JsonNode u = c.spec().get("units");
            if (!u.isObject()) {
                continue;
            }
            JsonNode p = u.get("params");
            int in = u.get("input_dim").asInt();
            Wiring w = switch (u.get("type").asText()) {
                case "AutoNCP" -> AutoNcpWiring.build(p.get("units").asInt(), p.get("output_size").asInt(),
                        p.path("sparsity_level").asDouble(AutoNcpWiring.DEFAULT_SPARSITY), in, AutoNcpWiring.DEFAULT_SEED);
                case "NCP" -> NcpWiring.build(new NcpWiring.Params(p.get("inter_neurons").asInt(), p.get("command_neurons").asInt(),
                        p.get("motor_neurons").asInt(), p.get("sensory_fanout").asInt(), p.get("inter_fanout").asInt(),
                        p.get("recurrent_command_synapses").asInt(), p.get("motor_fanin").asInt()), in, NcpWiring.DEFAULT_SEED);
                default -> throw new AssertionError(c + ": no generator for " + u.get("type"));
            };
            JsonNode j = w.toJson();
            for (String f : List.of("type", "units", "output_dim", "input_dim", "adjacency_matrix", "sensory_adjacency_matrix",
                    "num_layers", "layers")) {
                assertThat(j.get(f)).as(c + " " + f).isEqualTo(u.get(f));
            }
            checked++;
        }
        assertThat(checked).as("wired fixtures").isEqualTo(3);
    }

    /** ltc_fc8_ts_noimplicit is LTC(5, 8): FullyConnected(8) seed 1111; its perturbed erev keeps the polarity's sign. */
    @Test
    void fullyConnectedMatchesTheFixtureErevSigns() {
        Fixtures.Case c = Fixtures.get("ncps", "ltc_fc8_ts_noimplicit");
        Wiring w = FullyConnectedWiring.build(8, 5);
        double[] erev = c.weights().require("rnn_cell.erev", 8, 8).toDoubleArray();
        double[] sErev = c.weights().require("rnn_cell.sensory_erev", 5, 8).toDoubleArray();
        assertThat(w.adjacencyFlat()).containsExactly(signs(erev));
        assertThat(w.sensoryAdjacencyFlat()).containsExactly(signs(sErev));
        assertThat(w.outputDim()).isEqualTo(8);
        assertThat(w.layers()).isEqualTo(new int[][] {{0, 1, 2, 3, 4, 5, 6, 7}});
    }

    @Test
    void fullyConnectedWithoutSelfConnectionsSkipsTheDiagonalDraws() {
        // ncps draws nothing for a skipped diagonal: the 6 off-diagonal synapses, then the 3 sensory ones, take
        // the first 9 choice([-1, 1, 1]) draws of default_rng(3) (the generator itself is checked in RngTest)
        Wiring w = FullyConnectedWiring.build(3, 3, false, 1, 3);
        int[][] a = w.adjacency();
        for (int i = 0; i < 3; i++) {
            assertThat(a[i][i]).isZero();
        }
        PcgGenerator g = new PcgGenerator(3);
        int[] seq = new int[9];
        for (int i = 0; i < 9; i++) {
            seq[i] = g.choice(new int[] {-1, 1, 1});
        }
        assertThat(new int[] {a[0][1], a[0][2], a[1][0], a[1][2], a[2][0], a[2][1]})
                .containsExactly(seq[0], seq[1], seq[2], seq[3], seq[4], seq[5]);
        assertThat(w.sensoryAdjacency()[0]).containsExactly(seq[6], seq[7], seq[8]);
    }

    @Test
    void randomMatchesNcps() {
        // ncps Random(6, sparsity_level=0.4, random_seed=1111).build(3), with numpy 2.4.6 (matrices via .tolist())
        Wiring w = RandomWiring.build(6, 6, 0.4, 3, 1111);
        assertThat(w.adjacency()).isEqualTo(new int[][] {{0, -1, 0, 0, 0, 0}, {0, -1, -1, 1, 0, 1}, {1, 1, 1, 1, -1, -1},
                {0, 0, -1, 1, 0, 1}, {-1, 1, 1, -1, 1, 0}, {1, 1, 0, 0, 1, 0}});
        assertThat(w.sensoryAdjacency()).isEqualTo(new int[][] {{0, 0, 1, 1, 1, 1}, {1, 0, 1, 1, 0, 0}, {0, -1, 1, -1, 0, -1}});
        // ncps Random(120, sparsity_level=0.3, random_seed=7).build(2): 14400 candidate synapses, so numpy's
        // tail-shuffle path of choice(replace=False); checksum sum((r*cols + c + 1) * M[r, c])
        Wiring big = RandomWiring.build(120, 120, 0.3, 2, 7);
        assertThat(checksum(big.adjacency())).isEqualTo(24315755L);
        assertThat(checksum(big.sensoryAdjacency())).isEqualTo(6297L);
        assertThat(synapses(big.adjacency())).isEqualTo(10080);
        assertThat(big.adjacency()[0]).startsWith(0, 1, 1, 0, 0, 0, -1, 1, 0, 1, 1, 0);
    }

    @Test
    void ncpAndAutoNcpBeyondTheFixtures() {
        // ncps AutoNCP(64, 8, sparsity_level=0.3, seed=5).build(12) and NCP(10, 6, 3, 4, 3, 5, 2, seed=4242).build(30),
        // numpy 2.4.6; checksum sum((r*cols + c + 1) * M[r, c]), synapse counts sum(|M|)
        Wiring a = AutoNcpWiring.build(64, 8, 0.3, 12, 5);
        assertThat(new long[] {checksum(a.adjacency()), checksum(a.sensoryAdjacency()), synapses(a.adjacency()),
                synapses(a.sensoryAdjacency())}).containsExactly(-143204, 553, 656, 276);
        Wiring n = NcpWiring.build(new NcpWiring.Params(10, 6, 3, 4, 3, 5, 2), 30, 4242);
        assertThat(new long[] {checksum(n.adjacency()), checksum(n.sensoryAdjacency()), synapses(n.adjacency()),
                synapses(n.sensoryAdjacency())}).containsExactly(1515, -1020, 44, 120);
        assertThat(n.layers()[2]).containsExactly(0, 1, 2);
    }

    @Test
    void refusesWhatNcpsRefuses() {
        assertThatThrownBy(() -> AutoNcpWiring.build(6, 4, 0.5, 2, 1)).isInstanceOf(TrainException.class)
                .hasMessageContaining("less than units - 2");
        assertThatThrownBy(() -> AutoNcpWiring.build(20, 4, 0.05, 2, 1)).isInstanceOf(TrainException.class)
                .hasMessageContaining("sparsity");
        assertThatThrownBy(() -> RandomWiring.build(5, 5, 1.0, 2, 1)).isInstanceOf(TrainException.class)
                .hasMessageContaining("sparsity");
        assertThatThrownBy(() -> new NcpWiring.Params(4, 2, 1, 2, 3, 1, 1)).isInstanceOf(TrainException.class)
                .hasMessageContaining("inter fanout");
    }

    @Test
    void jsonIsAModelFormatWiringObject() throws Exception {
        JsonNode j = M.readTree(AutoNcpWiring.build(16, 2, 0.5, 10, 22222).toJson().toString());
        assertThat(j.get("params").get("seed").asLong()).isEqualTo(22222);
        assertThat(j.get("num_layers").asInt()).isEqualTo(3);
        assertThat(j.get("adjacency_matrix")).hasSize(16);
        assertThat(j.get("sensory_adjacency_matrix")).hasSize(10);
    }

    private static double[] signs(double[] v) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = Math.signum(v[i]);
        }
        return s;
    }

    private static long checksum(int[][] m) {
        long s = 0;
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[r].length; c++) {
                s += (long) (r * m[r].length + c + 1) * m[r][c];
            }
        }
        return s;
    }

    private static long synapses(int[][] m) {
        long s = 0;
        for (int[] row : m) {
            for (int v : row) {
                s += Math.abs(v);
            }
        }
        return s;
    }

    /** TrainableWiredCfc's masks from the generated wiring are the ones ncps 1.0.1 stored in the wired CfC fixture. */
    @Test
    void wiredCfcMasksAreTheFixtureMasks() {
        Fixtures.Case c = Fixtures.get("ncps", "cfc_wired_autoncp_10_16_2");
        Wiring w = AutoNcpWiring.build(16, 2, AutoNcpWiring.DEFAULT_SPARSITY, 10, AutoNcpWiring.DEFAULT_SEED);
        var trainable = dev.quantumliquid.train.layers.TrainableWiredCfc.create("rnn", 10, "default", w, new java.util.SplittableRandom(1));
        int[] sizes = {9, 5, 2};
        int in = 10;
        int checked = 0;
        for (int l = 0; l < sizes.length; l++) {
            String name = "rnn_cell.layer_" + l + ".sparsity_mask";
            double[] want = c.weights().require(name, sizes[l], in + sizes[l]).toDoubleArray();
            double[] mine = trainable.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().toDoubleArray();
            assertThat(mine).as(name).containsExactly(want);
            in = sizes[l];
            checked++;
        }
        assertThat(checked).isEqualTo(3);
        assertThat(trainable.outputSize()).isEqualTo(2);
        assertThat(trainable.stateSize()).isEqualTo(16);
    }
}
