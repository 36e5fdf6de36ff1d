package dev.quantumliquid.engine.io;

import dev.quantumliquid.engine.EngineException;
import java.nio.file.Path;
import java.util.Locale;

/** The file types predict reads and writes, chosen by file extension. */
public enum SequenceFormat {
    SAFETENSORS(".safetensors"), CSV(".csv"), JSON(".json");

    private final String extension;

    SequenceFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The format of a file by its extension, or an error naming the file and the accepted extensions. */
    public static SequenceFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (SequenceFormat f : values()) {
            if (name.endsWith(f.extension) && name.length() > f.extension.length()) {
                return f;
            }
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "no extension" : "extension '" + name.substring(dot) + "'";
        throw new EngineException(file + ": unknown file type (" + ext + "); expected .safetensors, .csv or .json");
    }
}
