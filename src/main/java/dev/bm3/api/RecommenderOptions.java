package dev.bm3.api;

/**
 * How a {@link Recommender} uses the machine.
 *
 * @param threads   the one thread setting: LibTorch's intra-op pool and the OpenMP pool while the
 *                  model is loaded (OpenBLAS is held to one thread, see
 *                  {@code dev.bm3.torch.TorchRuntime}), and the parallelism of batch calls; a
 *                  single-user call always runs on the calling thread only
 * @param itemBlock items scored per block in top-K selection (bounds the scratch memory per call
 *                  to {@code itemBlock} floats per user in flight, whatever the catalogue size)
 */
public record RecommenderOptions(int threads, int itemBlock) {
    /** Default block: 1,024 items (4 KB of scores per user, 256 KB of item block at d = 64). */
    public static final int DEFAULT_ITEM_BLOCK = 1024;

    public RecommenderOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (itemBlock < 1) {
            throw new IllegalArgumentException("itemBlock must be >= 1, got " + itemBlock);
        }
    }

    /** All available cores, default block. */
    public static RecommenderOptions defaults() {
        return new RecommenderOptions(Runtime.getRuntime().availableProcessors(), DEFAULT_ITEM_BLOCK);
    }

    /** {@code threads} threads, default block. */
    public static RecommenderOptions threads(int threads) {
        return new RecommenderOptions(threads, DEFAULT_ITEM_BLOCK);
    }
}
