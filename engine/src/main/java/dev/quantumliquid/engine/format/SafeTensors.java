package dev.quantumliquid.engine.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw
 * little-endian tensor bytes). Every file is untrusted: each defect is refused with one line naming
 * the file, the tensor and what was expected.
 */
public final class SafeTensors {
    /** Largest header accepted; the format's own reference implementation uses the same 100 MB. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    /** Largest file accepted (a Java array holds at most this many bytes). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    /** Most dimensions a tensor may have. */
    public static final int MAX_RANK = 8;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SafeTensors() {
    }

    /** Reads a file; {@code label} names it in errors. */
    public static TensorFile read(Path path) {
        String label = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new EngineException(label + ": file is " + size + " bytes, more than the limit of " + MAX_FILE_BYTES);
            }
            return parse(label, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new EngineException(label + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Parses safetensors bytes; {@code label} names the source in errors. */
    public static TensorFile parse(String label, byte[] bytes) {
        if (bytes.length < 8) {
            throw new EngineException(label + ": truncated: " + bytes.length + " bytes, a safetensors file needs at least 8");
        }
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
            throw new EngineException(label + ": header length " + Long.toUnsignedString(headerLen)
                    + " is outside 2.." + MAX_HEADER_BYTES);
        }
        if (headerLen > bytes.length - 8L) {
            throw new EngineException(label + ": header length " + headerLen + " exceeds the " + (bytes.length - 8L)
                    + " bytes after the length field (truncated file or lying header)");
        }
        int dataStart = 8 + (int) headerLen;
        long dataLen = bytes.length - (long) dataStart;
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new EngineException(label + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new EngineException(label + ": header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                readMetadata(label, f.getValue(), metadata);
            } else {
                entries.add(readEntry(label, f.getKey(), f.getValue(), dataLen));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : entries) {
            if (e.begin < expectedBegin) {
                Entry prev = entries.get(entries.indexOf(e) - 1);
                throw new EngineException(label + ": tensor '" + Json.abbreviate(e.name) + "' bytes [" + e.begin + ", " + e.end
                        + ") overlap tensor '" + Json.abbreviate(prev.name) + "' bytes [" + prev.begin + ", " + prev.end + ")");
            }
            if (e.begin > expectedBegin) {
                throw new EngineException(label + ": bytes [" + expectedBegin + ", " + e.begin
                        + ") of the data are not covered by any tensor (holes are not allowed)");
            }
            expectedBegin = e.end;
        }
        if (expectedBegin != dataLen) {
            throw new EngineException(label + ": data section is " + dataLen + " bytes but the tensors cover "
                    + expectedBegin + " (trailing or missing bytes)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            int n = (int) ((e.end - e.begin) / e.dtype.bytes());
            double[] v = new double[n];
            int base = dataStart + (int) e.begin;
            if (e.dtype == DType.F32) {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getFloat(base + 4 * i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getDouble(base + 8 * i);
                }
            }
            tensors.put(e.name, new Tensor(e.name, e.dtype, e.shape, v));
        }
        // Keep header order for stable listings.
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Iterator<String> it = header.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (tensors.containsKey(k)) {
                ordered.put(k, tensors.get(k));
            }
        }
        return new TensorFile(label, ordered, metadata);
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private static void readMetadata(String label, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new EngineException(label + ": __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new EngineException(label + ": __metadata__ entry '" + m.getKey() + "' must be a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry readEntry(String label, String name, JsonNode node, long dataLen) {
        String where = label + ": tensor '" + Json.abbreviate(name) + "'"; // a name may hold newlines: messages are one line
        if (!node.isObject()) {
            throw new EngineException(where + ": header entry must be an object with dtype, shape, data_offsets");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new EngineException(where + ": missing dtype");
        }
        DType dtype = DType.parse(label, name, dt.asText());
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new EngineException(where + ": missing shape array");
        }
        if (sh.size() > MAX_RANK) {
            throw new EngineException(where + ": rank " + sh.size() + " exceeds the limit of " + MAX_RANK);
        }
        int[] shape = new int[sh.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new EngineException(where + ": shape dimension " + i + " is " + d + " (expected an integer 0.."
                        + Integer.MAX_VALUE + ")");
            }
            shape[i] = (int) d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException ex) {
                throw new EngineException(where + ": shape " + Arrays.toString(shape) + " overflows");
            }
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new EngineException(where + ": data_offsets must be [begin, end]");
        }
        if (!off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()) {
            // asLong() would silently wrap a value beyond 64 bits into a plausible offset.
            throw new EngineException(where + ": data_offsets [" + Json.abbreviate(off.get(0)) + ", "
                    + Json.abbreviate(off.get(1)) + "] out of range of the " + dataLen + "-byte data section");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new EngineException(where + ": data_offsets [" + begin + ", " + end + "] out of range of the "
                    + dataLen + "-byte data section");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(count, (long) dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new EngineException(where + ": shape " + Arrays.toString(shape) + " overflows");
        }
        if (end - begin != expectedBytes) {
            throw new EngineException(where + ": data_offsets span " + (end - begin) + " bytes, but " + dtype + " "
                    + Arrays.toString(shape) + " needs " + expectedBytes);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Serialises tensors (in the given order) with optional string metadata. */
    public static byte[] serialize(Collection<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().name());
            ArrayNode s = e.putArray("shape");
            for (int d : t.shape()) {
                s.add(d);
            }
            long len = (long) t.size() * t.dtype().bytes();
            e.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] h;
        try {
            h = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new EngineException("cannot serialise safetensors header: " + e.getOriginalMessage(), e);
        }
        int pad = (8 - h.length % 8) % 8; // align the data section as the reference writer does
        int headerLen = h.length + pad;
        long total = 8L + headerLen + offset;
        if (total > MAX_FILE_BYTES) {
            throw new EngineException("safetensors: " + total + " bytes to write, more than the limit of " + MAX_FILE_BYTES);
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerLen);
        out.put(h);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            for (int i = 0; i < t.size(); i++) {
                if (t.dtype() == DType.F32) {
                    out.putFloat((float) t.get(i));
                } else {
                    out.putDouble(t.get(i));
                }
            }
        }
        return out.array();
    }

    /** Writes atomically (temp file in the same folder, then rename), so readers never see half a file. */
    public static void write(Path path, Collection<Tensor> tensors, Map<String, String> metadata) {
        AtomicFiles.write(path, serialize(tensors, metadata));
    }

}
