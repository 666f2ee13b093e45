package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.data.UserItems;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The negative sampler shared by the BPR baselines (SPEC section 8, MMRec's training loader): for
 * each training row one item drawn uniformly from the items that occur in training, redrawn while
 * it is one of the user's training items. Whole batches at a time into an {@code int[]}: no
 * boxing, no per-row allocation; membership is a binary search in the user's sorted items.
 *
 * <p>Rejection costs {@code pool / (pool - |train_u|)} draws in expectation, unbounded for a user
 * who has nearly every item. After {@link #MAX_REJECTIONS} failed draws the row is drawn directly
 * as the r-th non-training item (r uniform), a walk over the user's items; both routes are uniform
 * over the same set, so the mixture is too.
 *
 * <p>Deterministic for a seed and a sequence of calls. Not thread-safe (one per model).
 */
public final class NegativeSampler {
    /** Rejected draws per row before the direct (walking) draw. */
    static final int MAX_REJECTIONS = 32;

    private final int[] offsets;
    private final int[] userItems;
    /** Sorted distinct items that occur in training: the candidates. */
    private final int[] pool;
    private final long seed;
    /** Batches sampled so far: batch k draws from a stream keyed by (seed, k), so the sampler's
     * whole state is this counter (checkpointed with the model). */
    private long batches;

    /**
     * @param trainByUser each user's sorted distinct training items
     * @param seed        the run's seed; the sampler draws from its own stream derived from it
     * @throws InvalidInputException when a user has every training item (no negative exists)
     */
    public NegativeSampler(UserItems trainByUser, long seed) {
        this.offsets = trainByUser.offsets();
        this.userItems = trainByUser.items();
        int[] all = userItems.clone();
        Arrays.sort(all);
        int n = 0;
        for (int k = 0; k < all.length; k++) {
            if (k == 0 || all[k] != all[k - 1]) {
                all[n++] = all[k];
            }
        }
        this.pool = Arrays.copyOf(all, n);
        for (int u = 0; u < trainByUser.nUsers(); u++) {
            if (trainByUser.count(u) > 0 && trainByUser.count(u) >= pool.length) {
                throw new InvalidInputException("negative sampling: user " + u + " has interacted with all "
                        + pool.length + " training items, so no negative item exists for it");
            }
        }
        // a stream independent of the trainer's shuffle (which is keyed by seed and epoch)
        this.seed = new SplittableRandom(seed).split().nextLong();
    }

    /** The sampler of a dataset's training split. */
    public static NegativeSampler of(Dataset data, long seed) {
        return new NegativeSampler(data.trainByUser(), seed);
    }

    /** Batches sampled so far (the sampler's state). */
    public long batches() {
        return batches;
    }

    /** Restores the state read with {@link #batches()}. */
    public void setBatches(long batches) {
        this.batches = batches;
    }

    /** Number of candidate items (distinct items in training). */
    public int poolSize() {
        return pool.length;
    }

    /** A fresh array of one negative per entry of {@code users}. */
    public int[] sample(int[] users) {
        int[] out = new int[users.length];
        sample(users, out);
        return out;
    }

    /** Fills {@code out[b]} with a negative for {@code users[b]}. */
    public void sample(int[] users, int[] out) {
        if (out.length != users.length) {
            throw new IllegalArgumentException("out has " + out.length + " slots for " + users.length + " users");
        }
        int nPool = pool.length;
        // the key is mixed: seeds one golden-gamma apart would give the same stream shifted by one
        SplittableRandom rng = new SplittableRandom(TargetSampler.Native.mix(seed + 0x9E3779B97F4A7C15L * ++batches));
        for (int b = 0; b < users.length; b++) {
            int u = users[b];
            if (u < 0 || u >= offsets.length - 1) {
                throw new IllegalArgumentException("user " + u + " outside [0, " + (offsets.length - 1) + ")");
            }
            int from = offsets[u];
            int to = offsets[u + 1];
            int item = -1;
            for (int tries = 0; tries < MAX_REJECTIONS; tries++) {
                int candidate = pool[rng.nextInt(nPool)];
                if (Arrays.binarySearch(userItems, from, to, candidate) < 0) {
                    item = candidate;
                    break;
                }
            }
            out[b] = item >= 0 ? item : direct(from, to, rng);
        }
    }

    /** The r-th pool item not among {@code userItems[from..to)}, r uniform (user items are a subset of the pool). */
    private int direct(int from, int to, SplittableRandom rng) {
        int free = pool.length - (to - from);
        if (free <= 0) {
            throw new IllegalStateException("no negative item left for a user with " + (to - from) + " items");
        }
        int r = rng.nextInt(free);
        // Walk the pool skipping the user's items; both lists are sorted.
        int k = from;
        for (int p = 0; p < pool.length; p++) {
            int item = pool[p];
            while (k < to && userItems[k] < item) {
                k++;
            }
            if (k < to && userItems[k] == item) {
                continue;
            }
            if (r-- == 0) {
                return item;
            }
        }
        throw new IllegalStateException("unreachable: ran past the pool");
    }
}
