package dev.quantumliquid.train.wiring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;

/**
 * A generated ncps wiring, as a model.json spec's {@code units} object holds it: constructor type and
 * parameters, neuron counts, adjacency [units][units] and sensory adjacency [inputDim][units] with
 * entries -1/0/+1, and the neuron ids of each wiring layer (ncps get_neurons_of_layer order).
 */
public final class Wiring {
    private final String type;
    private final ObjectNode params;
    private final int units, inputDim, outputDim;
    private final int[][] adjacency; // [units][units], [pre][post]
    private final int[][] sensoryAdjacency; // [inputDim][units]
    private final int[][] layers; // neuron ids per layer

    Wiring(String type, ObjectNode params, int outputDim, int[][] adjacency, int[][] sensoryAdjacency, int[][] layers) {
        this.type = type;
        this.params = params.deepCopy();
        this.units = adjacency.length;
        this.inputDim = sensoryAdjacency.length;
        this.outputDim = outputDim;
        this.adjacency = adjacency;
        this.sensoryAdjacency = sensoryAdjacency;
        this.layers = layers;
    }

    public String type() {
        return type;
    }

    public int units() {
        return units;
    }

    public int inputDim() {
        return inputDim;
    }

    /** The motor neurons (ids 0..outputDim-1), the layer's output size. */
    public int outputDim() {
        return outputDim;
    }

    public int[][] adjacency() {
        return deepCopy(adjacency);
    }

    public int[][] sensoryAdjacency() {
        return deepCopy(sensoryAdjacency);
    }

    public int[][] layers() {
        return deepCopy(layers);
    }

    /** The adjacency row-major as doubles ([units * units]), as the LTC's erev initialiser takes it. */
    public double[] adjacencyFlat() {
        return flat(adjacency, units);
    }

    /** The sensory adjacency row-major as doubles ([inputDim * units]). */
    public double[] sensoryAdjacencyFlat() {
        return flat(sensoryAdjacency, units);
    }

    /** The wiring object of the model format (ncps get_config plus adjacency and layers). */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode j = f.objectNode();
        j.put("type", type);
        j.set("params", params.deepCopy());
        j.put("units", units).put("output_dim", outputDim).put("input_dim", inputDim);
        j.set("adjacency_matrix", matrix(f, adjacency));
        j.set("sensory_adjacency_matrix", matrix(f, sensoryAdjacency));
        j.put("num_layers", layers.length);
        j.set("layers", matrix(f, layers));
        return j;
    }

    private static ArrayNode matrix(JsonNodeFactory f, int[][] m) {
        ArrayNode a = f.arrayNode();
        for (int[] row : m) {
            ArrayNode r = a.addArray();
            for (int v : row) {
                r.add(v);
            }
        }
        return a;
    }

    private static double[] flat(int[][] m, int cols) {
        double[] v = new double[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < cols; j++) {
                v[i * cols + j] = m[i][j];
            }
        }
        return v;
    }

    private static int[][] deepCopy(int[][] m) {
        int[][] c = new int[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /** One layer holding every neuron, as ncps's base Wiring reports it. */
    static int[][] singleLayer(int units) {
        int[] all = new int[units];
        for (int i = 0; i < units; i++) {
            all[i] = i;
        }
        return new int[][] {all};
    }

    static void requireInputDim(int inputDim) {
        if (inputDim < 1) {
            throw new TrainException("wiring input dimension must be >= 1, got " + inputDim);
        }
    }
}
