package dev.quantumliquid.server.tensor;

import dev.quantumliquid.server.error.ServerException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tensor values of any numeric datatype converted to the engine's float32, and float32 results
 * written back as FP32 or FP64, whatever protocol carries them: typed values (JSON numbers, gRPC
 * typed contents) one at a time, raw little-endian bytes (Triton's binary extension, gRPC
 * {@code raw_input_contents}) a tensor at a time. Every refusal is a 400 naming the tensor, the
 * element index and the value: an integer outside its datatype's range, a fraction for an integer
 * type, a value that is not a finite float32. The engine's own limits (QLNN_INPUT_ABS_MAX, positive
 * timespans) are checked later on the float32 values, the same for every datatype.
 */
public final class TensorValues {
    private TensorValues() {
    }

    /** A typed floating or integer value (a JSON number, gRPC fp32/fp64/int contents) of a tensor of type {@code t}. */
    public static float fromDouble(String tensor, TensorDatatype t, long index, double v) {
        if (t.integer() && (v != Math.rint(v) || v < t.min() || v >= t.limit())) {
            throw notInteger(tensor, t, index, shown(v));
        }
        float f = (float) v;
        if (t == TensorDatatype.FP16 && Float.isFinite(f) && Float.isInfinite(Float.float16ToFloat(Float.floatToFloat16(f)))) {
            throw ServerException.badRequest(tensor + ": value " + index + " (" + shown(v) + ") is outside the FP16 range");
        }
        return finite(tensor, index, v, f);
    }

    /** A typed 64-bit integer value (gRPC int64/uint64 contents, {@code unsigned} for the latter) of a tensor of type {@code t}. */
    public static float fromLong(String tensor, TensorDatatype t, long index, long v, boolean unsigned) {
        double d = unsigned ? unsignedToDouble(v) : v;
        if (!t.integer()) {
            return fromDouble(tensor, t, index, d);
        }
        boolean inRange;
        if (t == TensorDatatype.UINT64) {
            inRange = unsigned || v >= 0;
        } else if (t == TensorDatatype.INT64) {
            inRange = !unsigned || v >= 0;
        } else {
            inRange = (unsigned ? v >= 0 : d >= t.min()) && d < t.limit();
        }
        if (!inRange) {
            throw notInteger(tensor, t, index, unsigned ? Long.toUnsignedString(v) : Long.toString(v));
        }
        return (float) d;
    }

    private static ServerException notInteger(String tensor, TensorDatatype t, long index, String value) {
        return ServerException.badRequest(tensor + ": value " + index + " (" + value + ") is not a " + t.name()
                + " (an integer in " + t.range() + ")");
    }

    /**
     * {@code count} elements of type {@code t} in raw little-endian form, {@code bytes[offset, offset + length)},
     * as float32; 400 when the length is not {@code count} elements of that type or a value is not finite.
     */
    public static float[] fromRaw(String tensor, TensorDatatype t, byte[] bytes, int offset, int length, int count) {
        long need = (long) count * t.byteSize();
        if (!t.numeric() || length != need) {
            throw ServerException.badRequest(tensor + ": binary data of " + length + " bytes, " + count + " " + t.name()
                    + " values take " + need);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (t) {
                case FP32 -> finite(tensor, i, b.getFloat(i * 4), b.getFloat(i * 4));
                case FP64 -> finite(tensor, i, b.getDouble(i * 8), (float) b.getDouble(i * 8));
                case FP16 -> finite(tensor, i, Float.float16ToFloat(b.getShort(i * 2)), Float.float16ToFloat(b.getShort(i * 2)));
                case BF16 -> {
                    float f = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                    yield finite(tensor, i, f, f);
                }
                case INT8 -> b.get(i);
                case UINT8 -> b.get(i) & 0xFF;
                case INT16 -> b.getShort(i * 2);
                case UINT16 -> b.getShort(i * 2) & 0xFFFF;
                case INT32 -> b.getInt(i * 4);
                case UINT32 -> b.getInt(i * 4) & 0xFFFF_FFFFL;
                case INT64 -> b.getLong(i * 8);
                case UINT64 -> (float) unsignedToDouble(b.getLong(i * 8));
                default -> throw new IllegalStateException("not numeric: " + t);
            };
        }
        return out;
    }

    /** Float32 values in raw little-endian form as FP32 (4 bytes each) or FP64 (8 bytes each, exact). */
    public static byte[] toRaw(TensorDatatype t, float[] values) {
        if (t != TensorDatatype.FP32 && t != TensorDatatype.FP64) {
            throw new IllegalArgumentException("outputs are FP32 or FP64, not " + t);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (t == TensorDatatype.FP32) {
                b.putFloat(v);
            } else {
                b.putDouble(v);
            }
        }
        return b.array();
    }

    /** BYTES elements in raw form: each a 4-byte little-endian length, then its UTF-8 bytes. */
    public static byte[] bytesToRaw(List<String> elements) {
        byte[][] each = new byte[elements.size()][];
        int total = 0;
        for (int i = 0; i < each.length; i++) {
            each[i] = elements.get(i).getBytes(StandardCharsets.UTF_8);
            total = Math.addExact(total, 4 + each[i].length);
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] e : each) {
            b.putInt(e.length).put(e);
        }
        return b.array();
    }

    private static float finite(String tensor, long index, double given, float f) {
        if (!Float.isFinite(f)) {
            throw ServerException.badRequest(tensor + ": value " + index + " (" + shown(given) + ") is not a finite float32");
        }
        return f;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    private static String shown(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
