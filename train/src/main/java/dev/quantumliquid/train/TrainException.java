package dev.quantumliquid.train;

import dev.quantumliquid.engine.EngineException;

/**
 * The trainer's one unchecked exception: a refused dataset, option or architecture. It extends the
 * engine's family so the CLI maps both to the same exit code in one place.
 */
public class TrainException extends EngineException {
    private static final long serialVersionUID = 1L;

    public TrainException(String message) {
        super(message);
    }

    public TrainException(String message, Throwable cause) {
        super(message, cause);
    }
}
