package dev.quantumliquid.engine.format;

import dev.quantumliquid.engine.EngineException;

/** Safetensors element types the engine reads and writes. */
public enum DType {
    F32(4), F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    static DType parse(String file, String tensor, String name) {
        return switch (name) {
            case "F32" -> F32;
            case "F64" -> F64;
            default -> throw new EngineException(file + ": tensor '" + Json.abbreviate(tensor) + "': unsupported dtype '"
                    + Json.abbreviate(name) + "' (expected F32 or F64)");
        };
    }
}
