package dev.quantumliquid.engine.edge;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.cgen.CSource;
import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.model.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Exports a loaded model as dependency-free C99 for microcontrollers: {@code NAME_model.h} (the
 * contract: sizes, the state struct, reset and step) and {@code NAME_model.c} (weights as
 * {@code static const} arrays in flash, scratch as static arrays, the whole recurrent state in the
 * caller's struct, only {@code <math.h>} beyond the compiler's own headers). Each layer writes its own
 * float32 step ({@link Layer#writeC}); this class assembles them in model order.
 */
public final class CExport {
    /** The default symbol and file prefix. */
    public static final String DEFAULT_NAME = "qlnn";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    private CExport() {
    }

    /**
     * What a target can hold: constant data (weights and tables) and static RAM (state, scratch,
     * buffers). The defaults suit a Cortex-M4F part with 1 MB of flash and 128 KB of RAM, leaving room
     * for the application.
     */
    public record Limits(long maxFlashBytes, long maxRamBytes) {
        public static final Limits DEFAULT = new Limits(512L * 1024, 64L * 1024);
    }

    /** The two generated files and the data sizes the generator counted. */
    public record Files(String name, String header, String source, long constantBytes, long ramBytes,
            int stateFloats) {
        public String headerName() {
            return name + "_model.h";
        }

        public String sourceName() {
            return name + "_model.c";
        }
    }

    /** Checks a --name value: a lower-case C identifier of at most 32 characters. */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new EngineException("--name must be a lower-case C identifier ([a-z][a-z0-9_]*, at most 32"
                    + " characters), got '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return name;
    }

    /** Generates the files for {@code model}; refuses with one line what does not fit {@code limits}. */
    public static Files generate(Model model, String name, Limits limits) {
        checkName(name);
        String p = name + "_";
        String up = name.toUpperCase(Locale.ROOT) + "_";
        List<Layer> layers = model.layers();
        CSource c = new CSource(p);
        int width = model.inputSize();
        int quantum = 0;
        for (Layer l : layers) {
            width = Math.max(width, l.outputSize());
            quantum += l.reportsCoherence() ? 1 : 0;
        }
        int[] offsets = new int[layers.size()];
        int off = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            offsets[i] = off;
            off += l.stateSize();
            c.beginLayer(i, l.type() + " '" + l.name() + "', " + l.inputSize() + " -> " + l.outputSize());
            l.writeC(c);
            c.endLayer();
        }
        int stateFloats = Math.max(1, model.stateSize());
        c.countRam((layers.size() > 1 ? 2L : 1L) * 4 * width);
        long ram = c.ramBytes() + 4L * stateFloats;
        if (ram > limits.maxRamBytes()) {
            throw new EngineException("model '" + model.name() + "' needs " + ram + " bytes of RAM (state, scratch and"
                    + " buffers), more than the target's limit of " + limits.maxRamBytes() + " bytes");
        }
        if (c.flashBytes() > limits.maxFlashBytes()) {
            throw new EngineException("model '" + model.name() + "' needs " + c.flashBytes() + " bytes of constants"
                    + " in flash, more than the target's limit of " + limits.maxFlashBytes() + " bytes");
        }
        String header = header(model, name, p, up, stateFloats, quantum > 0);
        StringBuilder src = new StringBuilder();
        src.append("/* ").append(name).append("_model.c: model '").append(comment(model.name()))
                .append("' exported by qlnn export-c. C99, float32, no dynamic memory. */\n");
        src.append("#include \"").append(name).append("_model.h\"\n#include <math.h>\n#include <stdint.h>\n\n");
        src.append(HELPERS);
        src.append(c.constants());
        src.append("\nstatic float ").append(p).append("buf0[").append(width).append("];\n");
        if (layers.size() > 1) {
            src.append("static float ").append(p).append("buf1[").append(width).append("];\n");
        }
        src.append(c.functions());
        src.append("\nvoid ").append(p).append("reset(").append(p).append("state *s)\n{\n");
        src.append("    for (int i = 0; i < ").append(up).append("STATE_FLOATS; i++) {\n        s->v[i] = 0.0f;\n    }\n}\n");
        src.append("\nvoid ").append(p).append("step(").append(p).append("state *s, const float x[").append(up)
                .append("INPUTS], float dt,\n").append("          float y[").append(up)
                .append("OUTPUTS], float *coherence)\n{\n");
        src.append("    float coh = 0.0f;\n");
        String in = "x";
        for (int i = 0; i < layers.size(); i++) {
            String out = p + "buf" + (i & 1);
            String call = p + "l" + i + "_step(" + in + ", " + out + ", s->v + " + offsets[i] + ", dt);";
            src.append("    ").append(layers.get(i).reportsCoherence() ? "coh += " + call : "(void)" + call).append('\n');
            in = out;
        }
        src.append("    for (int i = 0; i < ").append(up).append("OUTPUTS; i++) {\n        y[i] = ").append(in)
                .append("[i];\n    }\n");
        src.append("    if (coherence != 0) {\n        *coherence = ")
                .append(quantum > 0 ? "coh / " + CSource.literal(quantum) : "NAN").append(";\n    }\n");
        if (quantum == 0) {
            src.append("    (void)coh;\n");
        }
        src.append("}\n");
        return new Files(name, header, src.toString(), c.flashBytes(), ram, stateFloats);
    }

    /** Writes the two files into {@code dir} (created if missing), each atomically. */
    public static List<Path> write(Files f, Path dir) {
        Path h = dir.resolve(f.headerName());
        Path s = dir.resolve(f.sourceName());
        AtomicFiles.write(h, f.header().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(s, f.source().getBytes(StandardCharsets.UTF_8));
        return List.of(h, s);
    }

    private static String header(Model model, String name, String p, String up, int stateFloats, boolean coherence) {
        String guard = up + "MODEL_H";
        return "/* " + name + "_model.h: model '" + comment(model.name()) + "' exported by qlnn export-c.\n"
                + " * " + model.inputSize() + " inputs, " + model.outputSize() + " outputs ("
                + comment(String.join(", ", model.info().outputNames())) + "), sample rate "
                + model.info().sampleRateHz() + " Hz.\n"
                + " * The state holds each recurrent layer's h (then its mixed-memory c) in layer order. */\n"
                + "#ifndef " + guard + "\n#define " + guard + "\n\n"
                + "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
                + "#define " + up + "INPUTS  " + model.inputSize() + "\n"
                + "#define " + up + "OUTPUTS " + model.outputSize() + "\n"
                + "#define " + up + "STATE_FLOATS " + stateFloats + "\n"
                + "#define " + up + "HAS_COHERENCE " + (coherence ? 1 : 0) + "\n\n"
                + "typedef struct { float v[" + up + "STATE_FLOATS]; } " + p + "state;\n\n"
                + "void " + p + "reset(" + p + "state *s);                       /* zero state, as the engine's fresh session */\n"
                + "void " + p + "step(" + p + "state *s, const float x[" + up + "INPUTS], float dt,\n"
                + "               float y[" + up + "OUTPUTS], float *coherence); /* coherence may be NULL */\n\n"
                + "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
    }

    private static String comment(String s) {
        return s.replace("*/", "* /").replaceAll("\\p{Cntrl}", "?");
    }

    /** The scalar helpers layer bodies call (see {@link CSource}); static inline, so unused ones cost nothing. */
    private static final String HELPERS = """
            static inline float sigmoidf(float z)
            {
                return 1.0f / (1.0f + expf(-z));
            }

            static inline float lecun_tanhf(float z)
            {
                return 1.7159f * tanhf(0.666f * z);
            }

            static inline float siluf(float z)
            {
                return z * sigmoidf(z);
            }

            static inline float geluf(float z)
            {
                return 0.5f * z * (1.0f + erff(z * 0.70710678f));
            }

            static inline float reluf(float z)
            {
                return z > 0.0f ? z : 0.0f;
            }

            /* One single-qubit gate u (2x2 complex, row-major re/im pairs) on every amplitude pair stride apart. */
            static inline void gate2(float *re, float *im, int len, int stride, const float *u)
            {
                for (int base = 0; base < len; base += 2 * stride) {
                    for (int i0 = base; i0 < base + stride; i0++) {
                        int i1 = i0 + stride;
                        float a0r = re[i0], a0i = im[i0], a1r = re[i1], a1i = im[i1];
                        re[i0] = u[0] * a0r - u[1] * a0i + u[2] * a1r - u[3] * a1i;
                        im[i0] = u[0] * a0i + u[1] * a0r + u[2] * a1i + u[3] * a1r;
                        re[i1] = u[4] * a0r - u[5] * a0i + u[6] * a1r - u[7] * a1i;
                        im[i1] = u[4] * a0i + u[5] * a0r + u[6] * a1i + u[7] * a1r;
                    }
                }
            }
            """;
}
