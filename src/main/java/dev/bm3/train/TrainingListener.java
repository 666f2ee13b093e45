package dev.bm3.train;

/** Observes training; every method has a no-op default. Called on the training thread. */
public interface TrainingListener {
    default void onRunStart(String label, int stepsPerEpoch, int maxEpochs) {
    }

    default void onStep(int epoch, int step, int stepsPerEpoch, double loss) {
    }

    default void onEpoch(EpochRecord record) {
    }

    default void onRunEnd(String label, TrainResult result) {
    }

    /** A one-line notice for the user (e.g. a kernel fallback). */
    default void onNotice(String message) {
    }
}
