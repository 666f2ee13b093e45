package dev.bm3.api;

/**
 * The best K of a stream of (score, id) offered in ASCENDING id order, by score descending and
 * equal scores by ascending id (the evaluator's total order, so ties never depend on blocks,
 * batches or threads). A bounded min-heap whose root is the worst kept entry.
 */
final class TopKHeap {
    private final float[] hs;
    private final int[] hi;
    private int size;

    TopKHeap(int k) {
        hs = new float[k];
        hi = new int[k];
    }

    void offer(float s, int id) {
        int k = hs.length;
        if (size < k) {
            int c = size++;
            while (c > 0) {
                int p = (c - 1) >>> 1;
                if (!worse(s, id, hs[p], hi[p])) {
                    break;
                }
                hs[c] = hs[p];
                hi[c] = hi[p];
                c = p;
            }
            hs[c] = s;
            hi[c] = id;
        } else if (k > 0 && s > hs[0]) {
            // ids arrive ascending: an equal score is a worse entry and stays out
            siftDown(size, s, id);
        }
    }

    /** Empties the heap into {@code ids}/{@code scores}, best first; returns the count. */
    int drain(int[] ids, float[] scores) {
        int n = size;
        for (int end = n - 1; end >= 0; end--) {
            ids[end] = hi[0];
            scores[end] = hs[0];
            float s = hs[end];
            int it = hi[end];
            size = end;
            if (end > 0) {
                siftDown(end, s, it);
            }
        }
        size = 0;
        return n;
    }

    private void siftDown(int n, float s, int id) {
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= n) {
                break;
            }
            int r = l + 1;
            int w = r < n && worse(hs[r], hi[r], hs[l], hi[l]) ? r : l;
            if (!worse(hs[w], hi[w], s, id)) {
                break;
            }
            hs[c] = hs[w];
            hi[c] = hi[w];
            c = w;
        }
        hs[c] = s;
        hi[c] = id;
    }

    private static boolean worse(float sa, int ia, float sb, int ib) {
        return sa < sb || (sa == sb && ia > ib);
    }
}
