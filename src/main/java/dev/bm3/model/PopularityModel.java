package dev.bm3.model;

import dev.bm3.data.Dataset;
import dev.bm3.eval.PopularityScorer;
import dev.bm3.eval.Scorer;

import java.nio.file.Path;

/** Ranks items by training popularity: the floor every learned model must beat. No parameters. */
public final class PopularityModel implements Model {
    private final PopularityScorer scorer;

    public PopularityModel(Dataset data) {
        this.scorer = new PopularityScorer(data);
    }

    @Override
    public boolean trainable() {
        return false;
    }

    @Override
    public double trainStep(int[] users, int[] items) {
        return 0.0;
    }

    @Override
    public Scorer scorer() {
        return scorer;
    }

    @Override
    public void save(Path file) {
        // nothing to save: the scores are a function of the training data
    }

    @Override
    public void load(Path file) {
        // nothing to load
    }

    @Override
    public void saveTrainingState(Path file) {
        // stateless (the scores are a function of the training data): an empty state file
        try {
            java.nio.file.Files.write(file, new byte[0]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void loadTrainingState(Path file) {
        // stateless
    }

    @Override
    public void close() {
    }
}
