package dev.quantumliquid.server.tensor;

import dev.quantumliquid.server.error.ServerException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The tensor datatypes of the Open Inference Protocol (names as on the wire, in HTTP JSON and gRPC
 * alike) with their element size. The numeric ones are accepted as inputs and converted to the
 * engine's float32 by {@link TensorValues}; BOOL and BYTES are not inputs any model here takes.
 */
public enum TensorDatatype {
    BOOL(1), UINT8(1), UINT16(2), UINT32(4), UINT64(8), INT8(1), INT16(2), INT32(4), INT64(8),
    FP16(2), BF16(2), FP32(4), FP64(8),
    /** Variable-size elements; in raw form each is a 4-byte little-endian length then its bytes. */
    BYTES(0);

    private final int byteSize;

    TensorDatatype(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element in raw (binary) form; 0 for BYTES, whose elements carry their own length. */
    public int byteSize() {
        return byteSize;
    }

    /** An integer type (signed or unsigned). */
    public boolean integer() {
        return this != BOOL && this != BYTES && !floating();
    }

    public boolean unsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    public boolean floating() {
        return this == FP16 || this == BF16 || this == FP32 || this == FP64;
    }

    /** A datatype an input tensor may have: every integer and floating type. */
    public boolean numeric() {
        return integer() || floating();
    }

    /** The names an input may use, for error messages. */
    public static String numericNames() {
        return Arrays.stream(values()).filter(TensorDatatype::numeric).map(Enum::name).collect(Collectors.joining(", "));
    }

    /**
     * The numeric datatype named {@code text}, for the tensor {@code tensor}; 400 naming the tensor and
     * the types accepted otherwise.
     */
    public static TensorDatatype parseNumeric(String tensor, String text) {
        TensorDatatype t = null;
        for (TensorDatatype d : values()) {
            if (d.name().equals(text)) {
                t = d;
            }
        }
        if (t == null || !t.numeric()) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw ServerException.badRequest(tensor + ".datatype: " + (t == null ? "unknown datatype '" + shown + "'"
                    : shown + " is not supported") + " (one of " + numericNames() + ")");
        }
        return t;
    }

    /** The smallest value of an integer type (as a double; exact for every type here). */
    double min() {
        return switch (this) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    /** One above the largest value of an integer type (a power of two, exact as a double). */
    double limit() {
        return switch (this) {
            case INT8 -> 0x1p7;
            case INT16 -> 0x1p15;
            case INT32 -> 0x1p31;
            case INT64 -> 0x1p63;
            case UINT8 -> 0x1p8;
            case UINT16 -> 0x1p16;
            case UINT32 -> 0x1p32;
            case UINT64 -> 0x1p64;
            default -> Double.POSITIVE_INFINITY;
        };
    }

    /** The integer range as text, e.g. {@code [-128, 127]}. */
    String range() {
        String hi = switch (this) {
            case INT64 -> Long.toString(Long.MAX_VALUE);
            case UINT64 -> Long.toUnsignedString(-1L);
            default -> Long.toString((long) limit() - 1);
        };
        return "[" + (long) min() + ", " + hi + "]";
    }
}
