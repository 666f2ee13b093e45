package dev.bm3.eval;

import dev.bm3.data.Dataset;
import dev.bm3.data.Split;

import java.util.Map;
import java.util.SplittableRandom;

/** Datasets for the eval tests: a hand-checked tiny one and seeded random ones. */
final class TinyData {
    private TinyData() {
    }

    static Split split(int[]... pairs) {
        int[] u = new int[pairs.length];
        int[] i = new int[pairs.length];
        for (int k = 0; k < pairs.length; k++) {
            u[k] = pairs[k][0];
            i[k] = pairs[k][1];
        }
        return new Split(u, i);
    }

    static Dataset of(int nUsers, int nItems, Split train, Split valid, Split test) {
        return new Dataset("tiny", nUsers, nItems, train, valid, test, Map.of(), "test");
    }

    /**
     * 4 users x 6 items.
     * <pre>
     * user  train      valid  test
     *  0    {0,1} (0 twice)  {2}  {3,4}
     *  1    {2}        {3}    {0}
     *  2    {0}        -      -
     *  3    {5}        -      {0}
     * </pre>
     * Item 4 occurs only in test (still a candidate).
     */
    static Dataset tiny() {
        return of(4, 6,
                split(new int[] {0, 0}, new int[] {0, 1}, new int[] {1, 2}, new int[] {2, 0},
                        new int[] {3, 5}, new int[] {0, 0}),
                split(new int[] {0, 2}, new int[] {1, 3}),
                split(new int[] {0, 3}, new int[] {0, 4}, new int[] {1, 0}, new int[] {3, 0}));
    }

    /**
     * Random interactions: each user gets up to {@code maxPerSplit} rows per split (duplicates
     * possible, some users with none in valid/test, some held-out items also in train).
     */
    static Dataset random(long seed, int nUsers, int nItems, int maxPerSplit) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Split train = randomSplit(rnd, nUsers, nItems, 1, maxPerSplit);
        Split valid = randomSplit(rnd, nUsers, nItems, 0, maxPerSplit);
        Split test = randomSplit(rnd, nUsers, nItems, 0, maxPerSplit);
        return of(nUsers, nItems, train, valid, test);
    }

    private static Split randomSplit(SplittableRandom rnd, int nUsers, int nItems, int min, int max) {
        int[] counts = new int[nUsers];
        int total = 0;
        for (int u = 0; u < nUsers; u++) {
            counts[u] = rnd.nextInt(min, max + 1);
            total += counts[u];
        }
        int[] us = new int[total];
        int[] is = new int[total];
        int k = 0;
        for (int u = 0; u < nUsers; u++) {
            for (int c = 0; c < counts[u]; c++) {
                us[k] = u;
                is[k++] = rnd.nextInt(nItems);
            }
        }
        return new Split(us, is);
    }

    /** A fixed score matrix, rows = users. */
    static Scorer matrix(float[][] s) {
        return (users, out) -> {
            int n = s[0].length;
            for (int b = 0; b < users.length; b++) {
                System.arraycopy(s[users[b]], 0, out, b * n, n);
            }
        };
    }

    /** Random scores rounded to one decimal: many ties. */
    static float[][] roundedScores(long seed, int nUsers, int nItems) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] s = new float[nUsers][nItems];
        for (float[] row : s) {
            for (int i = 0; i < nItems; i++) {
                row[i] = Math.round(rnd.nextDouble() * 10) / 10f;
            }
        }
        return s;
    }
}
