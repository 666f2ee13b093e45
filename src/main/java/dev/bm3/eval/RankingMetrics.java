package dev.bm3.eval;

import java.util.Locale;

/**
 * Top-K ranking metrics for one user (SPEC-BM3 section 6, the formulas of MMRec's
 * {@code metrics.py}). A ranked list is given as hit flags: {@code hits[j]} is true when the item
 * at rank {@code j + 1} is one of the user's {@code nRelevant} held-out items ({@code |T_u|}).
 * The list may be shorter than K (fewer candidates than K); missing positions count as misses, and
 * the formulas keep K itself:
 * <pre>
 * Recall@K    = hits@K / |T_u|
 * Precision@K = hits@K / K
 * NDCG@K      = DCG / IDCG, DCG = sum_{j&lt;=K} hit_j / log2(j+1), IDCG over min(|T_u|, K) positions
 * MAP@K       = (sum_{j&lt;=K} Precision@j * hit_j) / min(|T_u|, K)
 * </pre>
 * Sums run over ranks in ascending order, so {@link #all} and the single-metric methods give
 * bit-identical values.
 */
public final class RankingMetrics {

    /** The metric families, in the order MMRec reports them. */
    public enum Metric {
        RECALL, NDCG, PRECISION, MAP;

        /** The metric's name at cut-off {@code k}, lower case: {@code recall@20}. */
        public String key(int k) {
            return name().toLowerCase(Locale.ROOT) + "@" + k;
        }
    }

    private static final double LN2 = Math.log(2.0);

    private RankingMetrics() {
    }

    /** Discount of 0-based rank {@code j}: 1 / log2(j + 2). */
    static double discount(int j) {
        return LN2 / Math.log(j + 2.0);
    }

    /** hits@K / |T_u|. */
    public static double recall(boolean[] hits, int k, int nRelevant) {
        check(hits, k, nRelevant);
        return (double) hitsAt(hits, k) / nRelevant;
    }

    /** hits@K / K. */
    public static double precision(boolean[] hits, int k, int nRelevant) {
        check(hits, k, nRelevant);
        return (double) hitsAt(hits, k) / k;
    }

    /** DCG@K / IDCG@K, the ideal list having min(|T_u|, K) hits on top. */
    public static double ndcg(boolean[] hits, int k, int nRelevant) {
        check(hits, k, nRelevant);
        int n = Math.min(k, hits.length);
        double dcg = 0.0;
        for (int j = 0; j < n; j++) {
            if (hits[j]) {
                dcg += discount(j);
            }
        }
        double idcg = 0.0;
        for (int j = 0, m = Math.min(nRelevant, k); j < m; j++) {
            idcg += discount(j);
        }
        return dcg / idcg;
    }

    /** Sum of Precision@j at each hit j &lt;= K, over min(|T_u|, K). */
    public static double map(boolean[] hits, int k, int nRelevant) {
        check(hits, k, nRelevant);
        int n = Math.min(k, hits.length);
        int cum = 0;
        double sum = 0.0;
        for (int j = 0; j < n; j++) {
            if (hits[j]) {
                cum++;
                sum += (double) cum / (j + 1);
            }
        }
        return sum / Math.min(nRelevant, k);
    }

    /**
     * All four metrics at every cut-off in one pass over the list.
     *
     * @param hits      ranked hit flags; only the first {@code length} entries are read
     * @param length    how many ranks the list holds (may be below the largest K)
     * @param nRelevant |T_u| &gt;= 1
     * @param ks        cut-offs, positive and strictly ascending
     * @param out       receives {@code out[m * ks.length + i]} = metric {@code Metric.values()[m]}
     *                  at {@code ks[i]}; length at least {@code 4 * ks.length}
     */
    public static void all(boolean[] hits, int length, int nRelevant, int[] ks, double[] out) {
        if (length < 0 || length > hits.length) {
            throw new IllegalArgumentException("length " + length + " outside [0, " + hits.length + "]");
        }
        if (nRelevant < 1) {
            throw new IllegalArgumentException("nRelevant must be >= 1, got " + nRelevant);
        }
        int nk = ks.length;
        if (out.length < 4 * nk) {
            throw new IllegalArgumentException("out too short: " + out.length + " < " + (4 * nk));
        }
        for (int i = 0; i < nk; i++) {
            if (ks[i] < 1 || (i > 0 && ks[i] <= ks[i - 1])) {
                throw new IllegalArgumentException("ks must be positive and strictly ascending: "
                        + java.util.Arrays.toString(ks));
            }
        }
        int j = 0;
        int cum = 0;
        double dcg = 0.0;
        double ap = 0.0;
        double idcg = 0.0;
        int idcgLen = 0;
        for (int i = 0; i < nk; i++) {
            int k = ks[i];
            for (int end = Math.min(k, length); j < end; j++) {
                if (hits[j]) {
                    cum++;
                    dcg += discount(j);
                    ap += (double) cum / (j + 1);
                }
            }
            // IDCG extends incrementally, in the same rank order as ndcg() sums it
            for (int m = Math.min(nRelevant, k); idcgLen < m; idcgLen++) {
                idcg += discount(idcgLen);
            }
            out[i] = (double) cum / nRelevant;
            out[nk + i] = dcg / idcg;
            out[2 * nk + i] = (double) cum / k;
            out[3 * nk + i] = ap / Math.min(nRelevant, k);
        }
        if (cum > nRelevant) {
            throw new IllegalArgumentException(cum + " hits but only " + nRelevant + " relevant items");
        }
    }

    private static int hitsAt(boolean[] hits, int k) {
        int c = 0;
        for (int j = 0, n = Math.min(k, hits.length); j < n; j++) {
            if (hits[j]) {
                c++;
            }
        }
        return c;
    }

    private static void check(boolean[] hits, int k, int nRelevant) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (nRelevant < 1) {
            throw new IllegalArgumentException("nRelevant must be >= 1, got " + nRelevant);
        }
        if (hitsAt(hits, hits.length) > nRelevant) {
            throw new IllegalArgumentException(hitsAt(hits, hits.length) + " hits but only "
                    + nRelevant + " relevant items");
        }
    }
}
