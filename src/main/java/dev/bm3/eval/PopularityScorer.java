package dev.bm3.eval;

import dev.bm3.data.Dataset;

import java.util.Objects;

/**
 * The most-popular baseline: score(u, i) = number of training interactions of item i, the same
 * for every user. Duplicate training rows count each time (they are interactions in the file, as
 * MMRec's Pop model counts them). Ties between equally popular items fall to the evaluator's
 * ascending-item-id rule. Immutable and thread-safe.
 */
public final class PopularityScorer implements Scorer {
    private final int nUsers;
    private final float[] counts;

    /** Counts the training interactions of {@code dataset}. */
    public PopularityScorer(Dataset dataset) {
        Objects.requireNonNull(dataset, "dataset");
        this.nUsers = dataset.nUsers();
        int nItems = dataset.nItems();
        int[] c = new int[nItems];
        for (int item : dataset.train().items()) {
            if (item < 0 || item >= nItems) {
                throw new IllegalArgumentException("training item " + item + " outside [0, " + nItems + ")");
            }
            c[item]++;
        }
        this.counts = new float[nItems];
        for (int i = 0; i < nItems; i++) {
            // exact as float up to 2^24 interactions per item, far beyond any dataset here
            counts[i] = c[i];
        }
    }

    /** Number of items scored per user. */
    public int nItems() {
        return counts.length;
    }

    /** Training interactions of {@code item}. */
    public int count(int item) {
        return (int) counts[item];
    }

    @Override
    public void score(int[] users, float[] out) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(out, "out");
        int n = counts.length;
        if ((long) users.length * n != out.length) {
            throw new IllegalArgumentException("out has " + out.length + " entries, expected "
                    + users.length + " users x " + n + " items = " + ((long) users.length * n));
        }
        for (int b = 0; b < users.length; b++) {
            if (users[b] < 0 || users[b] >= nUsers) {
                throw new IllegalArgumentException("user " + users[b] + " outside [0, " + nUsers + ")");
            }
            System.arraycopy(counts, 0, out, b * n, n);
        }
    }

    @Override
    public String toString() {
        return "PopularityScorer[items=" + counts.length + ", max=" + (counts.length == 0 ? 0
                : (int) maxOf(counts)) + "]";
    }

    private static float maxOf(float[] a) {
        float m = a[0];
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
