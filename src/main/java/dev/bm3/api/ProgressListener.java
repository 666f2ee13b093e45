package dev.bm3.api;

/**
 * Observes training started by {@link TrainingBuilder#train()}. Every method has a no-op default
 * and is called on the training thread, so keep it short (hand work to another thread).
 */
public interface ProgressListener {
    /** A run (or one grid combination, then {@code label} names it) starts. */
    default void onRunStart(String label, int stepsPerEpoch, int maxEpochs) {
    }

    /** After each optimisation step (1-based {@code step}) with that batch's loss. */
    default void onStep(int epoch, int step, int stepsPerEpoch, double loss) {
    }

    /** After each epoch's validation. */
    default void onEpoch(EpochProgress epoch) {
    }

    /** A one-line notice (e.g. the native kernels are unavailable and LibTorch's are used). */
    default void onNotice(String message) {
    }
}
