package dev.quantumliquid.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.Fixtures;
import dev.quantumliquid.engine.feedforward.DenseLayer;
import dev.quantumliquid.engine.feedforward.ScaleLayer;
import dev.quantumliquid.engine.format.DType;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.layer.Activation;
import dev.quantumliquid.engine.layer.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model.predict in lane mode (samples 8 to a vector) against the same samples streamed one by one
 * through a Session and against the float64 reference, over batch sizes around the lane count, with
 * time spans and an initial state.
 */
class LaneModeTest {
    private static final int[] BATCHES = {1, 7, 8, 9, 33};

    static Model ltc(String fixture, String inputMapping, String outputMapping) {
        Fixtures.Case c = Fixtures.get("ncps", fixture);
        ObjectNode spec = c.spec().deepCopy();
        if (!inputMapping.isEmpty()) {
            spec.put("input_mapping", inputMapping);
            spec.put("output_mapping", outputMapping);
        }
        return NcpsImport.toModel(c.name(), spec, c.weights());
    }

    /** scale -> the LTC -> dense tanh: every layer type with a lane mode, in one model. */
    static Model stacked(Model ltc) {
        Random rnd = new Random(3);
        Layer liquid = ltc.layers().get(0);
        int f = liquid.inputSize();
        int o = liquid.outputSize();
        ScaleLayer scale = new ScaleLayer("norm", tensor("scale", rnd, 0.5, 1.5, f), tensor("shift", rnd, -0.2, 0.2, f));
        DenseLayer dense = new DenseLayer("head", Activation.parse("tanh", "test"), tensor("weight", rnd, -1, 1, 3, o),
                tensor("bias", rnd, -0.5, 0.5, 3));
        ModelInfo info = new ModelInfo("stacked", "", f, List.of("a", "b", "c"), 1.0, "none",
                JsonNodeFactory.instance.objectNode());
        return new Model(info, List.of(scale, liquid, dense));
    }

    private static Tensor tensor(String name, Random rnd, double lo, double hi, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return new Tensor(name, DType.F32, shape, v);
    }

    static Stream<Arguments> models() {
        List<Arguments> a = new ArrayList<>();
        Model auto = ltc("ltc_autoncp_20_28_4", "", "");
        a.add(Arguments.of("autoncp affine", auto, true));
        a.add(Arguments.of("autoncp linear/none", ltc("ltc_autoncp_20_28_4", "linear", "none"), true));
        a.add(Arguments.of("autoncp none/linear", ltc("ltc_autoncp_20_28_4", "none", "linear"), true));
        a.add(Arguments.of("fc8 no implicit constraints", ltc("ltc_fc8_ts_noimplicit", "", ""), true));
        a.add(Arguments.of("mixed memory (no lane mode)", ltc("ltc_ncp_mixed_linear", "", ""), false));
        a.add(Arguments.of("scale + ltc + dense", stacked(auto), true));
        return a.stream();
    }

    private static BatchInput input(Model m, int b, int t, Random rnd) {
        float[][][] x = new float[b][t][m.inputSize()];
        float[][] dt = new float[b][t];
        float[][] h = new float[b][m.hiddenSize()];
        float[][] c = new float[b][m.cellSize()];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                for (int f = 0; f < m.inputSize(); f++) {
                    x[i][k][f] = (float) rnd.nextGaussian();
                }
                dt[i][k] = 0.2f + 1.8f * rnd.nextFloat();
            }
            for (int j = 0; j < h[i].length; j++) {
                h[i][j] = (float) (0.5 * rnd.nextGaussian());
            }
            for (int j = 0; j < c[i].length; j++) {
                c[i][j] = (float) (0.5 * rnd.nextGaussian());
            }
        }
        BatchInput in = BatchInput.of(x).timespans(dt).initialState(h);
        return m.cellSize() > 0 ? in.initialCell(c) : in;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void lanesMatchStreamingAndReference(String label, Model m, boolean lanes) {
        assertThat(LaneBatch.supports(m)).isEqualTo(lanes);
        Random rnd = new Random(11);
        int t = 6;
        for (int b : BATCHES) {
            BatchInput in = input(m, b, t, rnd);
            BatchResult ref = m.predictReference(in);
            for (int threads : new int[] {1, 2, 3}) {
                BatchResult fast = m.predict(in, threads);
                for (int i = 0; i < b; i++) {
                    Session s = m.newSession();
                    float[] hid = new float[m.hiddenSize()];
                    float[] cell = new float[m.cellSize()];
                    float[] full = new float[m.stateSize()];
                    in.initialState(i, hid, cell);
                    m.joinState(hid, cell, full);
                    s.importState(full);
                    float[] y = new float[m.outputSize()];
                    for (int k = 0; k < t; k++) {
                        s.step(in.x(i, k), in.dt(i, k), y);
                        for (int o = 0; o < y.length; o++) {
                            double got = fast.output()[i][k][o];
                            String where = label + " B=" + b + " threads=" + threads + " sample " + i + " step " + k;
                            if (m.layers().stream().noneMatch(l -> l instanceof DenseLayer)) {
                                // LTC lanes run the streaming kernels' arithmetic lane by lane: same bits
                                assertThat(got).as(where).isEqualTo((double) y[o]);
                            } else {
                                // a dense row sums in another order across lanes than its dot product
                                assertThat(got).as(where).isCloseTo(y[o], org.assertj.core.data.Offset.offset(1e-6));
                            }
                            assertThat(Math.abs(got - ref.output()[i][k][o])).as(where + " vs reference")
                                    .isLessThanOrEqualTo(1e-5);
                        }
                    }
                    s.exportState(full);
                    m.splitState(full, hid, cell);
                    for (int j = 0; j < hid.length; j++) {
                        assertThat(Math.abs(fast.finalState()[i][j] - hid[j])).isLessThanOrEqualTo(1e-6);
                        assertThat(Math.abs(fast.finalState()[i][j] - ref.finalState()[i][j])).isLessThanOrEqualTo(1e-5);
                    }
                }
            }
        }
    }
}
