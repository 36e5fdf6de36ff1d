package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.BatchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks and number formatting shared by the sequence file readers and writers. */
final class SequenceValues {
    /** Largest CSV or JSON input file accepted. */
    static final long MAX_TEXT_BYTES = 256L * 1024 * 1024;

    // Plain decimal numbers only: Double.parseDouble would also take "NaN", "0x1p3" and "1f".
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private SequenceValues() {
    }

    static boolean isDecimal(String s) {
        return DECIMAL.matcher(s).matches();
    }

    /** A value narrowed to float32, refused (by {@code where}) when it is not finite there. */
    static float toFloat(double v, String where, Object shown) {
        float f = (float) v;
        if (!Float.isFinite(f)) {
            throw new EngineException(where + ": " + shown + " is outside the float32 range");
        }
        return f;
    }

    static float timespan(float v, String where, Object shown) {
        if (!(v > 0f)) {
            throw new EngineException(where + ": " + shown + " is not a positive time span");
        }
        return v;
    }

    static byte[] readAll(Path file, long limit) {
        try {
            long size = Files.size(file);
            if (size > limit) {
                throw new EngineException(file + ": " + size + " bytes, more than the limit of " + limit);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EngineException(file + ": no such file");
        } catch (IOException e) {
            throw new EngineException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The shortest text that reads back to the value at the precision the result was computed in. */
    static String format(double v, BatchResult.Precision p) {
        return p == BatchResult.Precision.F32 ? Float.toString((float) v) : Double.toString(v);
    }
}
