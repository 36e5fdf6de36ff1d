package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.TestServer.Response;
import dev.quantumliquid.testkit.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton's binary tensor data extension, every input datatype, FP64 and classification outputs,
 * and compressed bodies, over real HTTP with the JDK client, with request bytes framed exactly as
 * {@code tritonclient.http} frames them (compact JSON header, binary data after it, the header's
 * length in {@code Inference-Header-Content-Length}, no Content-Type).
 */
class OipBinaryHttpTest {
    @TempDir
    static Path repo;
    static TestServer s;
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String INFER = "/v2/models/dense/infer";
    /** [1, 2, 3] input values exactly representable in every datatype, FP16 and BF16 included. */
    static final double[] VALUES = {1, 2, 3, 0, 1, 2};

    @BeforeAll
    static void start() {
        TestModels.dense(repo, "dense", 1, 0f);
        s = TestServer.start(repo, Map.of("QLNN_MAX_BODY_BYTES", "65536"));
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    record Raw(int status, HttpResponse<byte[]> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        byte[] body() {
            return response.body();
        }

        JsonNode json() {
            try {
                return TestServer.JSON.readTree(body());
            } catch (IOException e) {
                throw new UncheckedIOException(new String(body(), StandardCharsets.UTF_8), e);
            }
        }
    }

    /** POST of raw bytes with headers given as name, value, ...; nothing else is set (no Content-Type). */
    static Raw post(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Raw(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A Triton binary request: the compact JSON header, then the bytes, the header's length in the header. */
    static Raw postBinary(String jsonHeader, byte[] data, String... headers) {
        byte[] head = jsonHeader.getBytes(StandardCharsets.UTF_8);
        byte[] body = concat(head, data);
        List<String> h = new ArrayList<>(List.of("Inference-Header-Content-Length", Integer.toString(head.length)));
        h.addAll(List.of(headers));
        return post(INFER, body, h.toArray(String[]::new));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Values in the raw little-endian form of {@code type}, written here independently of the server's decoder. */
    static byte[] encode(String type, double[] v) {
        int size = switch (type) {
            case "INT8", "UINT8" -> 1;
            case "INT16", "UINT16", "FP16", "BF16" -> 2;
            case "INT32", "UINT32", "FP32" -> 4;
            default -> 8;
        };
        ByteBuffer b = ByteBuffer.allocate(v.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            switch (type) {
                case "INT8", "UINT8" -> b.put((byte) d);
                case "INT16", "UINT16" -> b.putShort((short) d);
                case "FP16" -> b.putShort(Float.floatToFloat16((float) d));
                case "BF16" -> b.putShort((short) (Float.floatToRawIntBits((float) d) >>> 16));
                case "INT32", "UINT32" -> b.putInt((int) d);
                case "FP32" -> b.putFloat((float) d);
                case "FP64" -> b.putDouble(d);
                default -> b.putLong((long) d);
            }
        }
        return b.array();
    }

    static float[] floats(byte[] raw, int offset, int count) {
        ByteBuffer b = ByteBuffer.wrap(raw, offset, count * 4).slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = b.getFloat(i * 4);
        }
        return out;
    }

    static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** The JSON request's output, the reference every other encoding must equal to the bit. */
    static float[] jsonOutput() {
        Response r = s.post(INFER, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3],"
                + "\"data\":[1,2,3,0,1,2]}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Bodies.output(r.json(), "output");
    }

    @Test
    void theTritonClientsDefaultBinaryRequestEqualsJsonToTheBit() {
        // What tritonclient.http sends for set_data_from_numpy(x) (binary by default) and no outputs named.
        String header = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,2,3],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":24}}],\"parameters\":{\"binary_data_output\":true}}";
        Raw r = postBinary(header, encode("FP32", VALUES));
        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        int n = Integer.parseInt(r.header("Inference-Header-Content-Length"));
        JsonNode head;
        try {
            head = TestServer.JSON.readTree(Arrays.copyOf(r.body(), n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode out = head.get("outputs").get(0);
        assertThat(out.get("name").asText()).isEqualTo("output");
        assertThat(out.get("datatype").asText()).isEqualTo("FP32");
        assertThat(out.get("shape").toString()).isEqualTo("[1,2,2]");
        assertThat(out.has("data")).isFalse();
        assertThat(out.get("parameters").get("binary_data_size").asInt()).isEqualTo(16);
        assertThat(r.body().length).isEqualTo(n + 16);
        assertThat(bits(floats(r.body(), n, 4))).containsExactly(bits(jsonOutput()));
    }

    @Test
    void theKServeRestClientsRequestsJsonAndBinary() {
        // What kserve's InferenceRESTClient sends: orjson's compact JSON with an id and the model's name, no
        // Content-Type for JSON; for raw inputs the header length and Content-Type application/octet-stream.
        String id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        byte[] json = ("{\"id\":\"" + id + "\",\"model_name\":\"dense\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,2,3],"
                + "\"datatype\":\"FP64\",\"data\":[1.0,2.0,3.0,0.0,1.0,2.0]}]}").getBytes(StandardCharsets.UTF_8);
        Raw j = post(INFER, json);
        assertThat(j.status()).as(new String(j.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(j.header("Content-Type")).isEqualTo("application/json");
        assertThat(j.json().get("id").asText()).isEqualTo(id);
        assertThat(j.json().get("model_name").asText()).isEqualTo("dense");
        assertThat(bits(Bodies.output(j.json(), "output"))).containsExactly(bits(jsonOutput()));
        Raw b = postBinary("{\"id\":\"" + id + "\",\"model_name\":\"dense\",\"inputs\":[{\"name\":\"input\",\"shape\":"
                + "[1,2,3],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":24}}],\"outputs\":[{\"name\":"
                + "\"output\",\"parameters\":{\"binary_data\":true}}]}", encode("FP32", VALUES),
                "Content-Type", "application/octet-stream");
        assertThat(b.status()).as(new String(b.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        int n = Integer.parseInt(b.header("Inference-Header-Content-Length"));
        assertThat(bits(floats(b.body(), n, 4))).containsExactly(bits(jsonOutput()));
    }

    @Test
    void binaryInputsWithJsonOutputsAndTimespansAfterTheInput() {
        String header = "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,3],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":24}},{\"name\":\"timespans\",\"shape\":[2],\"datatype\":\"FP64\",\"parameters\":"
                + "{\"binary_data_size\":16}}],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"binary_data\":false}}]}";
        Raw r = postBinary(header, concat(encode("FP32", VALUES), encode("FP64", new double[] {1, 1})));
        assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Inference-Header-Content-Length")).isNull();
        assertThat(bits(Bodies.output(r.json(), "output"))).containsExactly(bits(jsonOutput()));
    }

    @Test
    void everyNumericDatatypeAsBinaryAndAsJsonGivesTheFp32Output() {
        int[] expected = bits(jsonOutput());
        for (String type : List.of("FP64", "FP32", "FP16", "BF16", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16",
                "UINT32", "UINT64")) {
            byte[] raw = encode(type, VALUES);
            Raw b = postBinary("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,2,3],\"datatype\":\"" + type
                    + "\",\"parameters\":{\"binary_data_size\":" + raw.length + "}}]}", raw);
            assertThat(b.status()).as(type + " " + new String(b.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(bits(Bodies.output(b.json(), "output"))).as(type).containsExactly(expected);
            Response j = s.post(INFER, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"" + type
                    + "\",\"shape\":[1,2,3],\"data\":[[1,2,3],[0,1,2]]}]}");
            assertThat(j.status()).as(type + " " + j.body()).isEqualTo(200);
            assertThat(bits(Bodies.output(j.json(), "output"))).as(type).containsExactly(expected);
        }
    }

    @Test
    void badValuesOfEachKindAre400NamingTheTensor() {
        Raw nan = postBinary("{\"inputs\":[{\"name\":\"input\",\"shape\":[3],\"datatype\":\"FP64\",\"parameters\":"
                + "{\"binary_data_size\":24}}]}", encode("FP64", new double[] {1, Double.NaN, 3}));
        assertThat(nan.status()).isEqualTo(400);
        assertThat(nan.json().get("error").asText()).isEqualTo("input: value 1 (NaN) is not a finite float32");
        Raw big = postBinary("{\"inputs\":[{\"name\":\"input\",\"shape\":[3],\"datatype\":\"INT32\",\"parameters\":"
                + "{\"binary_data_size\":12}}]}", encode("INT32", new double[] {1, 1000, 3}));
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.json().get("error").asText()).contains("input").contains("feature 1").contains("QLNN_INPUT_ABS_MAX");
        Response range = s.post(INFER, "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"UINT8\",\"shape\":[3],"
                + "\"data\":[1,256,3]}]}");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.json().get("error").asText()).isEqualTo("input.data: value 1 (256) is not a UINT8 (an integer in "
                + "[0, 255])");
        Raw short_ = postBinary("{\"inputs\":[{\"name\":\"input\",\"shape\":[3],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":8}}]}", new byte[8]);
        assertThat(short_.json().get("error").asText()).isEqualTo("input: binary data of 8 bytes, 3 FP32 values take 12");
        Raw extra = postBinary("{\"inputs\":[{\"name\":\"input\",\"shape\":[3],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":12}}]}", new byte[20]);
        assertThat(extra.json().get("error").asText()).contains("8 bytes after the JSON header");
        Raw header = post(INFER, "{}".getBytes(StandardCharsets.UTF_8), "Inference-Header-Content-Length", "99");
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.json().get("error").asText()).contains("Inference-Header-Content-Length: 99 is outside [1, 2]");
    }

    @Test
    void fp64OutputsAreTheFloat32ValuesExactly() {
        float[] ref = jsonOutput();
        String in = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3],\"data\":[1,2,3,0,1,2]}";
        Response j = s.post(INFER, "{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":"
                + "{\"datatype\":\"FP64\"}}]}");
        JsonNode o = j.json().get("outputs").get(0);
        assertThat(o.get("datatype").asText()).isEqualTo("FP64");
        for (int i = 0; i < ref.length; i++) {
            assertThat(o.get("data").get(i).asDouble()).isEqualTo((double) ref[i]);
        }
        byte[] head = ("{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"datatype\":\"FP64\","
                + "\"binary_data\":true}}]}").getBytes(StandardCharsets.UTF_8);
        Raw b = post(INFER, head, "Content-Type", "application/json");
        int n = Integer.parseInt(b.header("Inference-Header-Content-Length"));
        ByteBuffer d = ByteBuffer.wrap(b.body(), n, b.body().length - n).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(d.capacity()).isEqualTo(8 * ref.length);
        for (int i = 0; i < ref.length; i++) {
            assertThat(d.getDouble(i * 8)).isEqualTo((double) ref[i]);
        }
    }

    @Test
    void classificationReturnsTheTopClassesWithTheirLabels() {
        float[] ref = jsonOutput(); // [1, 2, 2]: two steps of two outputs named y0, y1
        String in = "{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3],\"data\":[1,2,3,0,1,2]}";
        Response j = s.post(INFER, "{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":"
                + "{\"classification\":2}}]}");
        assertThat(j.status()).as(j.body()).isEqualTo(200);
        JsonNode o = j.json().get("outputs").get(0);
        assertThat(o.get("datatype").asText()).isEqualTo("BYTES");
        assertThat(o.get("shape").toString()).isEqualTo("[1,2,2]");
        List<String> expected = new ArrayList<>();
        for (int step = 0; step < 2; step++) {
            float a = ref[step * 2];
            float b = ref[step * 2 + 1];
            int first = b > a ? 1 : 0;
            expected.add(String.format(java.util.Locale.ROOT, "%f:%d:y%d", (double) ref[step * 2 + first], first, first));
            expected.add(String.format(java.util.Locale.ROOT, "%f:%d:y%d", (double) ref[step * 2 + 1 - first], 1 - first,
                    1 - first));
        }
        List<String> got = new ArrayList<>();
        o.get("data").forEach(e -> got.add(e.asText()));
        assertThat(got).isEqualTo(expected);

        byte[] head = ("{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":{\"classification\":1,"
                + "\"binary_data\":true}}]}").getBytes(StandardCharsets.UTF_8);
        Raw b = post(INFER, head);
        int n = Integer.parseInt(b.header("Inference-Header-Content-Length"));
        ByteBuffer d = ByteBuffer.wrap(b.body(), n, b.body().length - n).slice().order(ByteOrder.LITTLE_ENDIAN);
        List<String> binary = new ArrayList<>();
        while (d.hasRemaining()) {
            byte[] e = new byte[d.getInt()];
            d.get(e);
            binary.add(new String(e, StandardCharsets.UTF_8));
        }
        assertThat(binary).containsExactly(expected.get(0), expected.get(2));

        Response tooMany = s.post(INFER, "{\"inputs\":[" + in + "],\"outputs\":[{\"name\":\"output\",\"parameters\":"
                + "{\"classification\":3}}]}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("error").asText())
                .isEqualTo("output.parameters.classification: 3 classes asked for, model 'dense' has 2 outputs");
    }

    static byte[] gzip(byte[] b) {
        return compress(b, true);
    }

    /** zlib format, as Python's zlib.compress (what tritonclient sends for "deflate"). */
    static byte[] deflate(byte[] b) {
        return compress(b, false);
    }

    private static byte[] compress(byte[] b, boolean gzip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.io.OutputStream z = gzip ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void compressedRequestsAndResponsesBothCodings() throws IOException {
        int[] expected = bits(jsonOutput());
        byte[] json = ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,2,3],\"data\":[1,2,3,0,1,2]}]}")
                .getBytes(StandardCharsets.UTF_8);
        Raw g = post(INFER, gzip(json), "Content-Type", "application/json", "Content-Encoding", "gzip");
        assertThat(g.status()).as(new String(g.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(bits(Bodies.output(g.json(), "output"))).containsExactly(expected);
        Raw d = post(INFER, deflate(json), "Content-Type", "application/json", "Content-Encoding", "deflate");
        assertThat(d.status()).as(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(bits(Bodies.output(d.json(), "output"))).containsExactly(expected);

        // Binary and compressed together, as tritonclient sends them: the header length is of the uncompressed JSON.
        String header = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,2,3],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":24}}],\"parameters\":{\"binary_data_output\":true}}";
        byte[] head = header.getBytes(StandardCharsets.UTF_8);
        Raw both = post(INFER, gzip(concat(head, encode("FP32", VALUES))), "Inference-Header-Content-Length",
                Integer.toString(head.length), "Content-Encoding", "gzip", "Accept-Encoding", "gzip");
        assertThat(both.status()).isEqualTo(200);
        assertThat(both.header("Content-Encoding")).isEqualTo("gzip");
        byte[] plain = new GZIPInputStream(new java.io.ByteArrayInputStream(both.body())).readAllBytes();
        int n = Integer.parseInt(both.header("Inference-Header-Content-Length"));
        assertThat(bits(floats(plain, n, 4))).containsExactly(expected);

        Raw zr = post(INFER, json, "Content-Type", "application/json", "Accept-Encoding", "deflate");
        assertThat(zr.header("Content-Encoding")).isEqualTo("deflate");
        byte[] inflated = new InflaterInputStream(new java.io.ByteArrayInputStream(zr.body())).readAllBytes();
        assertThat(bits(Bodies.output(TestServer.JSON.readTree(inflated), "output"))).containsExactly(expected);
    }

    @Test
    void brokenAndOversizedCompressedBodiesAreRefusedAndCounted() {
        byte[] json = "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8);
        Raw corrupt = post(INFER, Arrays.copyOf(gzip(json), 12), "Content-Type", "application/json",
                "Content-Encoding", "gzip");
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.json().get("error").asText()).startsWith("body: not valid gzip data (Content-Encoding: gzip)");
        // 1 MB of spaces compresses to about 1 kB; decoded it is beyond QLNN_MAX_BODY_BYTES (64 kB here).
        byte[] bomb = new byte[1 << 20];
        Arrays.fill(bomb, (byte) ' ');
        Raw large = post(INFER, gzip(bomb), "Content-Type", "application/json", "Content-Encoding", "gzip");
        assertThat(large.status()).isEqualTo(413);
        assertThat(large.json().get("error").asText()).contains("QLNN_MAX_BODY_BYTES=65536");
        Raw br = post(INFER, json, "Content-Type", "application/json", "Content-Encoding", "br");
        assertThat(br.status()).isEqualTo(400);
        assertThat(br.json().get("error").asText()).isEqualTo("Content-Encoding: 'br' is not supported (gzip, deflate or identity)");
        assertThat(s.get("/metrics").body())
                .contains("quantum_liquid_requests_total{code=\"400\",endpoint=\"refused_before_routing\",model=\"\","
                        + "protocol=\"http\",version=\"\"}")
                .contains("quantum_liquid_errors_total{kind=\"bad_request\",model=\"\"}");
    }
}
