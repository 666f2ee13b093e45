package dev.bm3.train;

/** Training cannot go on (a non-finite loss, a native failure); the message names epoch and step. */
public class TrainingFailedException extends RuntimeException {
    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
