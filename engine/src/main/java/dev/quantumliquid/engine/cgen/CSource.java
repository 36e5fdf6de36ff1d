package dev.quantumliquid.engine.cgen;

import java.util.Locale;

/**
 * The C99 translation unit of one exported model under construction: each layer adds its constants
 * (flash), its scratch buffers (RAM) and the body of its step function. Layers write the same float32
 * numbers their own fast path uses, so the C step is that path written out; {@code engine.edge}
 * assembles the files around what is written here.
 *
 * <p>Inside a layer's body these names are bound: {@code x} (const float *, the layer input),
 * {@code y} (float *, the layer output), {@code st} (float *, the layer's state in the model state)
 * and {@code dt} (float). The body ends by returning the step's coherence (0 for classical layers).
 * Helper functions available to bodies: {@code sigmoidf(z)}, {@code lecun_tanhf(z)}, {@code siluf(z)},
 * {@code geluf(z)}, {@code reluf(z)}, all {@code static inline}, plus {@code <math.h>}.
 */
public final class CSource {
    private final String prefix;
    private final StringBuilder data = new StringBuilder();
    private final StringBuilder code = new StringBuilder();
    private String tag = "";
    private int indent;
    private long flashBytes;
    private long ramBytes;

    /** {@code prefix} starts every file-scope symbol (e.g. "qlnn_"). */
    public CSource(String prefix) {
        this.prefix = prefix;
    }

    /** Starts the function of layer {@code index}; its symbols get the prefix plus "l{index}_". */
    public void beginLayer(int index, String what) {
        tag = prefix + "l" + index + "_";
        data.append("\n/* layer ").append(index).append(": ").append(comment(what)).append(" */\n");
        code.append("\n/* layer ").append(index).append(": ").append(comment(what)).append(" */\n");
        code.append("static float ").append(tag).append("step(const float *x, float *y, float *st, float dt)\n{\n");
        indent = 1;
    }

    /** Closes the current layer's function. */
    public void endLayer() {
        code.append("}\n");
        indent = 0;
    }

    /** A constant float array in flash; returns its C name. */
    public String floats(String name, float[] v) {
        String sym = tag + name;
        data.append("static const float ").append(sym).append('[').append(Math.max(1, v.length)).append("] = {");
        for (int i = 0; i < v.length; i++) {
            data.append(i % 6 == 0 ? "\n    " : " ").append(literal(v[i])).append(',');
        }
        if (v.length == 0) {
            data.append("0.0f");
        }
        data.append("\n};\n");
        flashBytes += 4L * Math.max(1, v.length);
        return sym;
    }

    /** A constant index array in flash, in the narrowest unsigned type that holds its values; returns its C name. */
    public String indices(String name, int[] v) {
        int max = 0;
        for (int e : v) {
            if (e < 0) {
                throw new IllegalArgumentException(name + ": negative index " + e);
            }
            max = Math.max(max, e);
        }
        String type = max <= 0xFF ? "uint8_t" : max <= 0xFFFF ? "uint16_t" : "uint32_t";
        int bytes = max <= 0xFF ? 1 : max <= 0xFFFF ? 2 : 4;
        String sym = tag + name;
        data.append("static const ").append(type).append(' ').append(sym).append('[').append(Math.max(1, v.length))
                .append("] = {");
        for (int i = 0; i < v.length; i++) {
            data.append(i % 16 == 0 ? "\n    " : " ").append(v[i]).append(',');
        }
        if (v.length == 0) {
            data.append('0');
        }
        data.append("\n};\n");
        flashBytes += (long) bytes * Math.max(1, v.length);
        return sym;
    }

    /** A float scratch buffer in RAM (not state: its contents do not outlive a step); returns its C name. */
    public String scratch(String name, int floats) {
        String sym = tag + name;
        data.append("static float ").append(sym).append('[').append(Math.max(1, floats)).append("];\n");
        ramBytes += 4L * Math.max(1, floats);
        return sym;
    }

    /** One statement or brace line of the current function; "{" at the end opens and "}" at the start closes a block. */
    public void line(String text) {
        if (text.startsWith("}")) {
            indent--;
        }
        code.append("    ".repeat(Math.max(0, indent))).append(text).append('\n');
        if (text.endsWith("{")) {
            indent++;
        }
    }

    /** A formatted line ({@link String#format} in the root locale). */
    public void line(String format, Object... args) {
        line(String.format(Locale.ROOT, format, args));
    }

    /** Adds RAM the assembler allocates itself (inter-layer buffers). */
    public void countRam(long bytes) {
        ramBytes += bytes;
    }

    public String constants() {
        return data.toString();
    }

    public String functions() {
        return code.toString();
    }

    /** Bytes of constant data written so far (the weights' share of the flash). */
    public long flashBytes() {
        return flashBytes;
    }

    /** Bytes of scratch and buffers written so far (RAM besides the state). */
    public long ramBytes() {
        return ramBytes;
    }

    /** The exact C99 literal of a finite float (hexadecimal, so no digit is lost). */
    public static String literal(float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("non-finite constant " + v);
        }
        if (v == 0f) {
            return Float.floatToRawIntBits(v) == 0 ? "0.0f" : "-0.0f";
        }
        return Float.toHexString(v) + "f";
    }

    private static String comment(String s) {
        return s.replace("*/", "* /").replaceAll("\\p{Cntrl}", "?");
    }
}
