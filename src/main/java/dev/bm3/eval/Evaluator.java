package dev.bm3.eval;

import dev.bm3.data.Dataset;
import dev.bm3.data.Split;
import dev.bm3.data.SplitName;
import dev.bm3.data.UserItems;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Full-ranking evaluator (SPEC-BM3 section 6): every user with at least one held-out item in the
 * chosen split is scored against ALL {@code n_items} items; the user's TRAINING items are masked
 * (never recommended, as if scored -inf) for both validation and test; validation items are NOT
 * masked when evaluating test. Metrics ({@link RankingMetrics}) are averaged over those users.
 *
 * <p><b>Ties.</b> Items are ranked by score descending, and equal scores by ascending item id.
 * The order is total, so results never depend on selection order, batch size or threads, and a
 * constant scorer gets exactly the metrics of recommending items 0, 1, 2, ... (skipping masked
 * ones), never an inflated hit rate. Scores compare numerically ({@code -0.0 == 0.0}).
 *
 * <p><b>K beyond the candidates.</b> Any positive K is allowed, also above {@code n_items}. The
 * ranked list is clamped to the user's candidates ({@code n_items - |train_u|}); missing positions
 * count as misses and the formulas keep K: Precision@K still divides by K, IDCG and MAP use
 * min(|T_u|, K). Masked items never fill the tail (the reference, with masked scores -1e10, would
 * put them there; there they could only be hits if a held-out item were also a training item,
 * which the mask is meant to exclude). |T_u| counts the user's distinct held-out items, including
 * any that are also training items (unreachable hits, as in the reference).
 *
 * <p><b>Batches and threads.</b> Users go to the {@link Scorer} in ascending id order, in batches
 * of {@code batchSize}. The top-K of the rows of a large batch is selected in parallel (common
 * {@code ForkJoinPool}; the scorer itself is always called on the calling thread); each row
 * writes its own slot and per-user metrics are summed in ascending user order, so the result is
 * bit-identical for every batch size and thread count. The selection is a bounded heap of size
 * max K (O(n_items log K) per user at worst, not a full sort).
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Evaluator {

    private static final int[] DEFAULT_KS = {5, 10, 20, 50};
    /** Rows with fewer scores than this are ranked on the calling thread: a fork costs more. */
    private static final long PARALLEL_MIN_SCORES = 1L << 16;

    private final int nUsers;
    private final int nItems;
    private final int[] ks;
    private final List<String> metricNames;
    private final UserItems train;
    private final UserItems valid;
    private final UserItems test;

    /** An evaluator at the default cut-offs {5, 10, 20, 50}. */
    public Evaluator(Dataset dataset) {
        this(dataset, DEFAULT_KS);
    }

    /**
     * An evaluator at the given cut-offs (any order; they are sorted).
     *
     * @throws IllegalArgumentException when {@code ks} is empty, holds a value below 1 or a
     *                                  duplicate, or a split holds an id outside the dataset
     */
    public Evaluator(Dataset dataset, int... ks) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(ks, "ks");
        this.nUsers = dataset.nUsers();
        this.nItems = dataset.nItems();
        if (nUsers < 0 || nItems < 1) {
            throw new IllegalArgumentException("dataset '" + dataset.name() + "' has " + nUsers
                    + " users and " + nItems + " items");
        }
        this.ks = validKs(ks);
        List<String> names = new ArrayList<>();
        for (RankingMetrics.Metric m : RankingMetrics.Metric.values()) {
            for (int k : this.ks) {
                names.add(m.key(k));
            }
        }
        this.metricNames = Collections.unmodifiableList(names);
        // Split.byUser indexes by user id: check ranges first so bad data fails with a message
        checkIds(dataset.train(), SplitName.TRAIN);
        checkIds(dataset.valid(), SplitName.VALID);
        checkIds(dataset.test(), SplitName.TEST);
        this.train = dataset.trainByUser();
        this.valid = dataset.valid().byUser(nUsers);
        this.test = dataset.test().byUser(nUsers);
    }

    /** The default cut-offs, {5, 10, 20, 50} (a fresh copy). */
    public static int[] defaultKs() {
        return DEFAULT_KS.clone();
    }

    /** The cut-offs, ascending (a fresh copy). */
    public int[] ks() {
        return ks.clone();
    }

    /** The metric names in result order: recall, ndcg, precision, map, each at ascending K. */
    public List<String> metricNames() {
        return metricNames;
    }

    /**
     * Ranks all items for every user with a held-out item in {@code which} and averages the
     * metrics.
     *
     * @param scorer    fills one row of {@code n_items} scores per user; called with ascending
     *                  user ids, at most {@code batchSize} per call
     * @param which     {@link SplitName#VALID} or {@link SplitName#TEST}
     * @param batchSize users per scorer call, &gt;= 1; does not change the result
     * @throws IllegalArgumentException for TRAIN, a batch size below 1 or one whose score matrix
     *                                  exceeds an array, or a split without any held-out item
     * @throws IllegalStateException    when a score is NaN (or left unwritten by the scorer),
     *                                  naming the first such user and item
     */
    public EvalResult evaluate(Scorer scorer, SplitName which, int batchSize) {
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(which, "which");
        if (which == SplitName.TRAIN) {
            throw new IllegalArgumentException("cannot evaluate on the TRAIN split: its items are masked");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        UserItems held = which == SplitName.VALID ? valid : test;
        int[] users = IntStream.range(0, nUsers).filter(u -> held.count(u) > 0).toArray();
        if (users.length == 0) {
            throw new IllegalArgumentException("no user has a held-out item in split " + which);
        }
        int rowsPerBatch = Math.min(batchSize, users.length);
        if ((long) rowsPerBatch * nItems > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("batchSize " + batchSize + " x n_items " + nItems
                    + " scores exceed one Java array");
        }
        int nm = metricNames.size();
        double[] sums = new double[nm];
        float[] full = new float[rowsPerBatch * nItems];
        for (int start = 0; start < users.length; start += rowsPerBatch) {
            int b = Math.min(rowsPerBatch, users.length - start);
            int[] batch = Arrays.copyOfRange(users, start, start + b);
            // the contract gives the scorer an array of exactly b rows; only the last batch differs
            float[] scores = b == rowsPerBatch ? full : new float[b * nItems];
            // pre-filled NaN turns a scorer that skips entries into an error instead of stale scores
            Arrays.fill(scores, Float.NaN);
            scorer.score(batch, scores);
            double[] rows = new double[b * nm];
            int[] nanItem = new int[b];
            IntStream range = IntStream.range(0, b);
            if ((long) b * nItems >= PARALLEL_MIN_SCORES) {
                range = range.parallel();
            }
            range.forEach(r -> nanItem[r] = rankRow(scores, r * nItems, batch[r], held, rows, r * nm));
            // report the first bad user in id order, whatever thread saw it first
            for (int r = 0; r < b; r++) {
                if (nanItem[r] >= 0) {
                    throw new IllegalStateException("NaN score for user " + batch[r] + ", item "
                            + nanItem[r] + " (split " + which + "; scorers must fill every entry with a number)");
                }
            }
            for (int r = 0; r < b; r++) {
                for (int m = 0; m < nm; m++) {
                    sums[m] += rows[r * nm + m];
                }
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (int m = 0; m < nm; m++) {
            means.put(metricNames.get(m), sums[m] / users.length);
        }
        return new EvalResult(means, users.length);
    }

    /** Ranks one row and writes its metrics to {@code dst[dstOff..]}; returns a NaN item or -1. */
    private int rankRow(float[] scores, int off, int user, UserItems held, double[] dst, int dstOff) {
        int kMax = ks[ks.length - 1];
        int[] top = new int[Math.min(kMax, nItems)];
        int nanAt = firstNaN(scores, off, nItems);
        if (nanAt >= 0) {
            return nanAt;
        }
        int n = topK(scores, off, nItems, train.items(), train.offsets()[user], train.offsets()[user + 1], top);
        boolean[] hits = new boolean[n];
        for (int j = 0; j < n; j++) {
            hits[j] = held.contains(user, top[j]);
        }
        double[] m = new double[metricNames.size()];
        RankingMetrics.all(hits, n, held.count(user), ks, m);
        System.arraycopy(m, 0, dst, dstOff, m.length);
        return -1;
    }

    private static int firstNaN(float[] scores, int off, int n) {
        for (int i = 0; i < n; i++) {
            float s = scores[off + i];
            if (s != s) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Selects the best {@code top.length} items of {@code scores[off .. off+n)} by (score desc,
     * item asc), skipping the items in {@code mask[mFrom .. mTo)} (sorted, distinct, all &lt; n),
     * and writes them best first to {@code top}. Returns how many were written (fewer than
     * {@code top.length} only when there are fewer candidates). Scores must not be NaN.
     */
    static int topK(float[] scores, int off, int n, int[] mask, int mFrom, int mTo, int[] top) {
        int k = top.length;
        if (k == 0) {
            return 0;
        }
        // min-heap on "worse": the root is the worst kept item. Items arrive in ascending id, so
        // a newcomer whose score only equals the root's is worse (larger id) and stays out.
        float[] hs = new float[k];
        int[] hi = top;
        int size = 0;
        int mp = mFrom;
        for (int i = 0; i < n; i++) {
            if (mp < mTo && mask[mp] == i) {
                mp++;
                continue;
            }
            float s = scores[off + i];
            if (size < k) {
                int c = size++;
                while (c > 0) {
                    int p = (c - 1) >>> 1;
                    if (!worse(s, i, hs[p], hi[p])) {
                        break;
                    }
                    hs[c] = hs[p];
                    hi[c] = hi[p];
                    c = p;
                }
                hs[c] = s;
                hi[c] = i;
            } else if (s > hs[0]) {
                siftDown(hs, hi, size, s, i);
            }
        }
        // heap sort in place: each pop moves the current worst to the end, leaving best first
        for (int end = size - 1; end > 0; end--) {
            float s = hs[end];
            int it = hi[end];
            hs[end] = hs[0];
            hi[end] = hi[0];
            siftDown(hs, hi, end, s, it);
        }
        return size;
    }

    /** Places (s, item) at the root of the heap of {@code size} and sifts it down. */
    private static void siftDown(float[] hs, int[] hi, int size, float s, int item) {
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= size) {
                break;
            }
            int r = l + 1;
            int w = r < size && worse(hs[r], hi[r], hs[l], hi[l]) ? r : l;
            if (!worse(hs[w], hi[w], s, item)) {
                break;
            }
            hs[c] = hs[w];
            hi[c] = hi[w];
            c = w;
        }
        hs[c] = s;
        hi[c] = item;
    }

    private static boolean worse(float sa, int ia, float sb, int ib) {
        return sa < sb || (sa == sb && ia > ib);
    }

    private static int[] validKs(int[] ks) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("ks must not be empty");
        }
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 1) {
                throw new IllegalArgumentException("ks must be positive, got " + sorted[i] + " in " + Arrays.toString(ks));
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("ks must be distinct, got " + sorted[i] + " twice in " + Arrays.toString(ks));
            }
        }
        return sorted;
    }

    private void checkIds(Split split, SplitName which) {
        int[] u = split.users();
        int[] it = split.items();
        for (int k = 0; k < u.length; k++) {
            if (u[k] < 0 || u[k] >= nUsers) {
                throw new IllegalArgumentException(which + " row " + k + ": user " + u[k] + " outside [0, " + nUsers + ")");
            }
            if (it[k] < 0 || it[k] >= nItems) {
                throw new IllegalArgumentException(which + " row " + k + ": item " + it[k] + " outside [0, " + nItems + ")");
            }
        }
    }
}
