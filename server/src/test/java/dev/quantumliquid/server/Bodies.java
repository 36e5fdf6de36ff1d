package dev.quantumliquid.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Request bodies for tests. */
final class Bodies {
    private Bodies() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** An OIP infer request with tensor input [B,T,F] as flat data. */
    static ObjectNode infer(float[][][] x) {
        ObjectNode root = object();
        ObjectNode in = root.putArray("inputs").addObject().put("name", "input").put("datatype", "FP32");
        in.putArray("shape").add(x.length).add(x[0].length).add(x[0][0].length);
        ArrayNode data = in.putArray("data");
        for (float[][] s : x) {
            for (float[] step : s) {
                for (float v : step) {
                    data.add(v);
                }
            }
        }
        return root;
    }

    /** The flat data of the named output tensor. */
    static float[] output(JsonNode response, String name) {
        for (JsonNode o : response.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                float[] v = new float[o.get("data").size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) o.get("data").get(i).asDouble();
                }
                return v;
            }
        }
        throw new AssertionError("no output '" + name + "' in " + response);
    }

    static float[] flat(double[][][] y) {
        int n = 0;
        for (double[][] a : y) {
            for (double[] b : a) {
                n += b.length;
            }
        }
        float[] out = new float[n];
        int i = 0;
        for (double[][] a : y) {
            for (double[] b : a) {
                for (double v : b) {
                    out[i++] = (float) v;
                }
            }
        }
        return out;
    }

    /** A deterministic input [B][T][F]. */
    /** {@link #input} with feature 0 of the first step at 9: the trigger of the tests' {@code FaultyLayer} faults (above 5). */
    static float[][][] triggering(int b, int t, int f, float seed) {
        float[][][] x = input(b, t, f, seed);
        x[0][0][0] = 9;
        return x;
    }

    static float[][][] input(int b, int t, int f, float seed) {
        float[][][] x = new float[b][t][f];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) {
                for (int j = 0; j < f; j++) {
                    x[i][k][j] = (float) Math.sin(seed + 0.7 * i + 0.31 * k + 1.3 * j);
                }
            }
        }
        return x;
    }
}
