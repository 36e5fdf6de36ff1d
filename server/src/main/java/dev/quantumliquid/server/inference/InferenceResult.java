package dev.quantumliquid.server.inference;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The answer to an {@link InferenceRequest}. Arrays may be shared with the result cache: read only.
 *
 * @param output [B][T][O]
 * @param coherence [B][T] for a model with a quantum circuit
 * @param coherenceMean mean over all steps, for a model with a quantum circuit
 * @param lowCoherence some step was below QUANTUM_COHERENCE_THRESHOLD
 * @param state continuation token, for a recurrent model and a single sequence
 * @param steps steps of the sequence so far including this request (B = 1), else this request's steps
 */
public record InferenceResult(String model, long version, float[][][] output, Optional<float[][]> coherence,
        OptionalDouble coherenceMean, boolean lowCoherence, Optional<String> state, long steps, boolean cacheHit,
        double inferenceMillis) {
}
