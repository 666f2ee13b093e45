package dev.bm3.model;

import dev.bm3.eval.Scorer;

import java.nio.file.Path;

/**
 * A trainable recommender. {@link #trainStep} runs inside the caller's {@code PointerScope}; the
 * model's long-lived tensors (parameters, optimizer, graph) are its own and freed by {@link #close}.
 */
public interface Model extends AutoCloseable {
    /** False for models with nothing to optimise (popularity): the trainer then runs one epoch. */
    boolean trainable();

    /**
     * Called by the trainer at the start of each epoch (1-based), before its first step: per-epoch
     * work such as LATTICE's graph rebuild, FREEDOM's edge dropout or a learning-rate schedule.
     */
    default void onEpochStart(int epoch) {
    }

    /** One optimisation step on a batch of positive (user, item) pairs; returns the loss. */
    double trainStep(int[] users, int[] items);

    /**
     * A scorer over the current parameters. It precomputes the final embeddings once and stays
     * valid until the next {@link #trainStep} or {@link #close}.
     */
    Scorer scorer();

    /** Writes the parameters to {@code file} (atomically by the caller's convention). */
    void save(Path file);

    /** Reads parameters written by {@link #save}. */
    void load(Path file);

    /**
     * Writes everything the model needs to continue training exactly: parameters, optimizer
     * state and random-stream state.
     */
    void saveTrainingState(Path file);

    /** Restores what {@link #saveTrainingState} wrote; the model must have the same shapes. */
    void loadTrainingState(Path file);

    @Override
    void close();
}
