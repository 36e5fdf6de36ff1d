package dev.quantumliquid.engine;

/**
 * The engine's one unchecked exception: a model, file or input that the engine refuses. The message
 * is a single line naming the file, tensor or field, what was expected and what was found.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(oneLine(message));
    }

    public EngineException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * Names and values quoted from a file may hold newlines or other control characters; the message
     * stays one line (a log line, a CLI error) whatever they hold.
     */
    static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\p{Cntrl}", "?");
    }
}
