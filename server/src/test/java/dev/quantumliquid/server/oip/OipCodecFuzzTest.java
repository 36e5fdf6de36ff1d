package dev.quantumliquid.server.oip;

import dev.quantumliquid.engine.Fuzz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.error.ServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fuzzes the OIP infer request parser in-process: mutated valid requests parse or are a ServerException 400, nothing else. */
public class OipCodecFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A valid OIP request with input [1,3,3], timespans [3] and parameters. */
    public static ObjectNode validRequest() {
        try {
            return (ObjectNode) JSON.readTree("{\"id\":\"r1\",\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,3,3],"
                    + "\"data\":[[[1,2,3],[4,5,6],[7,8,9]]]},{\"name\":\"timespans\",\"datatype\":\"FP32\","
                    + "\"shape\":[3],\"data\":[1,0.5,2]}],\"parameters\":{\"sequence_id\":7,\"sequence_start\":true},"
                    + "\"outputs\":[{\"name\":\"output\"}]}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode hostile(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> F.numberNode(Fuzz.pick(r, -1, 0, 1, 3, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE));
            case 1 -> F.numberNode(Fuzz.pick(r, 0.5, -0.0, 1e308, -1e308, 3.5e38, 1e39, 4.9e-324));
            case 2 -> F.numberNode(Fuzz.pick(r, Long.MAX_VALUE, 1L << 40, Long.MIN_VALUE, (1L << 31)));
            case 3 -> F.textNode(Fuzz.pick(r, "", "input", "timespans", "output", "coherence", "FP32", "FP64", "INT8", "..",
                    "x".repeat(300), "a\nb", "0"));
            case 4 -> {
                ArrayNode a = F.arrayNode();
                for (int k = r.nextInt(5); k > 0; k--) {
                    a.add(r.nextBoolean() ? F.numberNode(r.nextInt(2_000_000_000)) : F.arrayNode().add(r.nextDouble()));
                }
                yield a;
            }
            default -> Fuzz.pick(r, F.nullNode(), F.booleanNode(true), F.booleanNode(false), F.arrayNode(), F.objectNode(),
                    F.objectNode().put("binary_data_size", 4)).deepCopy();
        };
    }

    /** Replaces, removes or duplicates one node of the tree. */
    public static void mutate(ObjectNode root, SplittableRandom r) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return;
        }
        Object[] s = slots.get(r.nextInt(slots.size()));
        int how = r.nextInt(8);
        if (s[0] instanceof ObjectNode o) {
            String k = (String) s[1];
            if (how == 0) {
                o.remove(k);
            } else if (how == 1) {
                o.set(k + "_", o.get(k).deepCopy());
            } else {
                o.set(k, hostile(r));
            }
        } else if (s[0] instanceof ArrayNode a) {
            int i = (int) s[1];
            if (how == 0) {
                a.remove(i);
            } else if (how == 1) {
                a.add(a.get(i).deepCopy());
            } else {
                a.set(i, hostile(r));
            }
        }
    }

    private static void collect(JsonNode n, List<Object[]> out) {
        if (n instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                out.add(new Object[] {o, e.getKey()});
                collect(e.getValue(), out);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Object[] {a, i});
                collect(a.get(i), out);
            }
        }
    }

    /**
     * A valid binary request (Triton's extension): input [1,2,3] as FP64 and timespans [2] as INT32 after
     * the JSON, outputs asked for as binary, FP64 and classified.
     */
    public static ObjectNode validBinaryHeader() {
        try {
            return (ObjectNode) JSON.readTree("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,2,3],\"datatype\":\"FP64\","
                    + "\"parameters\":{\"binary_data_size\":48}},{\"name\":\"timespans\",\"shape\":[2],\"datatype\":"
                    + "\"INT32\",\"parameters\":{\"binary_data_size\":8}}],\"parameters\":{\"binary_data_output\":true,"
                    + "\"timeout\":5},\"outputs\":[{\"name\":\"output\",\"parameters\":{\"classification\":1,"
                    + "\"binary_data\":true}},{\"name\":\"coherence\",\"parameters\":{\"datatype\":\"FP64\"}}]}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mutatedBinaryRequestsParseOrAreA400() {
        Map<String, Integer> outcomes = Fuzz.run("OIP binary infer parser", 1.0, (r, i) -> {
            ObjectNode header = validBinaryHeader();
            for (int k = r.nextInt(4); k > 0; k--) {
                mutate(header, r);
            }
            java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(56).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 6; k++) {
                data.putDouble(Fuzz.pick(r, 0.5, -1.0, 1e300, Double.NaN, 3.0));
            }
            data.putInt(1).putInt(Fuzz.pick(r, 1, 0, -1, Integer.MAX_VALUE));
            byte[] bin = java.util.Arrays.copyOf(data.array(), Fuzz.pick(r, 56, 56, 55, 57, 0, 48));
            byte[] head = header.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] body = java.util.Arrays.copyOf(head, head.length + bin.length);
            System.arraycopy(bin, 0, body, head.length, bin.length);
            return outcome(() -> OipCodec.parseInfer(header, body, head.length, "m", OptionalLong.empty()), header);
        });
        assertThat(outcomes).containsKeys("parsed", "refused");
    }

    @Test
    void mutatedInferRequestsParseOrAreA400() {
        Map<String, Integer> outcomes = Fuzz.run("OIP infer parser", 1.0, (r, i) -> {
            ObjectNode body = validRequest();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                mutate(body, r);
            }
            return outcome(() -> OipCodec.parseInfer(body, "m", r.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(1)),
                    body);
        });
        assertThat(outcomes).containsKeys("parsed", "refused");
    }

    /** "parsed", or "refused" for a one-line 400; anything else fails the test. */
    private static String outcome(Runnable parse, JsonNode request) {
        try {
            parse.run();
            return "parsed";
        } catch (ServerException e) {
            assertThat(e.kind()).isEqualTo(ServerException.Kind.BAD_REQUEST);
            assertThat(e.getMessage()).doesNotContain("\n");
            return "refused";
        } catch (RuntimeException e) {
            fail("threw " + e + " for " + request, e);
            return "unreachable";
        }
    }
}
