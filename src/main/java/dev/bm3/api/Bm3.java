package dev.bm3.api;

import dev.bm3.torch.TorchRuntime;

import java.nio.file.Path;

/**
 * Entry point of the embeddable API.
 *
 * <pre>{@code
 * TrainingResult r = Bm3.trainer().data(Path.of("data/baby")).set("epochs", 50).threads(4)
 *         .out(Path.of("runs/baby")).train();
 * try (Recommender rec = Bm3.open(r.runDirectory())) {
 *     List<Recommendation> top = rec.recommend("A1B2C3", 10);
 * }
 * }</pre>
 */
public final class Bm3 {
    private Bm3() {
    }

    /** A builder for a training run over the same configuration the {@code bm3 train} command uses. */
    public static TrainingBuilder trainer() {
        return new TrainingBuilder();
    }

    /** {@link Recommender#open(Path)}. */
    public static Recommender open(Path run) {
        return Recommender.open(run);
    }

    /** {@link Recommender#open(Path, RecommenderOptions)}. */
    public static Recommender open(Path run, RecommenderOptions options) {
        return Recommender.open(run, options);
    }

    /**
     * Sets the process-wide native thread pools from ONE number: LibTorch's intra-op pool and the
     * OpenMP pool of the native kernels to {@code threads}, OpenBLAS to one thread (its own
     * threads fight LibTorch's OpenMP workers for the cores). A service sets this once to the
     * cores it owns, so many request threads never oversubscribe the machine.
     */
    public static void setThreads(int threads) {
        TorchRuntime.setThreads(threads);
    }

    /** Exports a run's final embeddings and id maps (see {@link Recommender#export(Path)}). */
    public static void export(Path run, Path out) {
        try (Recommender r = Recommender.open(run, RecommenderOptions.threads(1))) {
            r.export(out);
        }
    }
}
