package dev.bm3.eval;

import dev.bm3.data.Dataset;
import dev.bm3.data.Split;
import dev.bm3.data.SplitName;
import dev.bm3.data.UserItems;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {
    private static final double EPS = 1e-12;
    private static final long SEED = 999L;
    /** 1/log2(3). */
    private static final double D2 = Math.log(2) / Math.log(3);
    /** 1/log2(5). */
    private static final double D4 = Math.log(2) / Math.log(5);

    /** Scores of {@link TinyData#tiny()}: rows = users 0..3, columns = items 0..5. */
    private static final float[][] TINY_SCORES = {
            {0.9f, 0.8f, 0.1f, 0.7f, 0.2f, 0.7f},
            {0.5f, 0.5f, 0.9f, 0.5f, 0.1f, 0.0f},
            {0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f},
            {0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.9f},
    };

    @Test
    void handComputedTest() {
        // K = 1, 3 and 10 (> n_items = 6: the list is clamped, the formulas keep K)
        EvalResult r = new Evaluator(TinyData.tiny(), 10, 1, 3)
                .evaluate(TinyData.matrix(TINY_SCORES), SplitName.TEST, 2);
        // user 0: train {0,1} masked; candidates 2:.1 3:.7 4:.2 5:.7 -> ranking 3,5(tie, larger id),4,2
        //         T = {3,4}: hits 1,0,1,0 (valid item 2 is not masked, ranks last)
        //   @1  recall 1/2, precision 1, ndcg 1/1, map 1/1
        //   @3  recall 1, precision 2/3, ndcg (1 + 1/2)/(1 + 1/log2 3), map (1 + 2/3)/2 = 5/6
        //   @10 recall 1, precision 2/10, ndcg and map as @3
        // user 1: train {2}; candidates 0:.5 1:.5 3:.5 4:.1 5:0 -> ranking 0,1,3,4,5; T = {0}: hit at 1
        //   @1 all 1; @3 precision 1/3, others 1; @10 precision 1/10, others 1
        // user 2: no test item -> not evaluated
        // user 3: train {5}; all .3 -> ranking 0,1,2,3,4 by id; T = {0}: as user 1
        assertEquals(3, r.nUsers());
        assertEquals(List.of("recall@1", "recall@3", "recall@10", "ndcg@1", "ndcg@3", "ndcg@10",
                "precision@1", "precision@3", "precision@10", "map@1", "map@3", "map@10"),
                List.copyOf(r.metrics().keySet()));
        assertEquals((0.5 + 1 + 1) / 3, r.get("recall@1"), EPS);
        assertEquals(1.0, r.get("recall@3"), EPS);
        assertEquals(1.0, r.get("recall@10"), EPS);
        assertEquals(1.0, r.get("precision@1"), EPS);
        assertEquals((2.0 / 3 + 1.0 / 3 + 1.0 / 3) / 3, r.get("precision@3"), EPS); // 4/9
        assertEquals((0.2 + 0.1 + 0.1) / 3, r.get("precision@10"), EPS);
        assertEquals(1.0, r.get("ndcg@1"), EPS);
        double ndcg0 = 1.5 / (1 + D2);
        assertEquals((ndcg0 + 1 + 1) / 3, r.get("ndcg@3"), EPS);
        assertEquals((ndcg0 + 1 + 1) / 3, r.get("ndcg@10"), EPS);
        assertEquals(1.0, r.get("map@1"), EPS);
        assertEquals(17.0 / 18, r.get("map@3"), EPS); // (5/6 + 1 + 1)/3
        assertEquals(17.0 / 18, r.get("map@10"), EPS);
    }

    @Test
    void handComputedValid() {
        EvalResult r = new Evaluator(TinyData.tiny(), 1, 3, 10)
                .evaluate(TinyData.matrix(TINY_SCORES), SplitName.VALID, 100);
        // only users 0 and 1 have validation items; test items are not masked either
        // user 0: ranking 3,5,4,2; T = {2}: hit at rank 4
        //   @1, @3: all 0; @10 recall 1, precision 1/10, ndcg 1/log2 5, map 1/4
        // user 1: ranking 0,1,3,4,5; T = {3}: hit at rank 3
        //   @1: 0; @3 recall 1, precision 1/3, ndcg 1/log2 4 = 1/2, map 1/3; @10 precision 1/10
        assertEquals(2, r.nUsers());
        assertEquals(0.0, r.get("recall@1"), EPS);
        assertEquals(0.0, r.get("ndcg@1"), EPS);
        assertEquals(0.0, r.get("map@1"), EPS);
        assertEquals(0.5, r.get("recall@3"), EPS);
        assertEquals(1.0 / 6, r.get("precision@3"), EPS);
        assertEquals(0.25, r.get("ndcg@3"), EPS);
        assertEquals(1.0 / 6, r.get("map@3"), EPS);
        assertEquals(1.0, r.get("recall@10"), EPS);
        assertEquals(0.1, r.get("precision@10"), EPS);
        assertEquals((D4 + 0.5) / 2, r.get("ndcg@10"), EPS);
        assertEquals((0.25 + 1.0 / 3) / 2, r.get("map@10"), EPS);
    }

    @Test
    void constantScorerRanksByItemId() {
        Scorer constant = (users, out) -> Arrays.fill(out, 0.25f);
        EvalResult r = new Evaluator(TinyData.tiny(), 1, 2)
                .evaluate(constant, SplitName.TEST, 3);
        // user 0: candidates 2,3,4,5; T = {3,4}: hits 0,1 -> @1 all 0; @2 recall 1/2,
        //         precision 1/2, ndcg (1/log2 3)/(1 + 1/log2 3), map (1/2)/2 = 1/4
        // user 1: candidates 0,1,3,4,5; T = {0}: hit at 1 -> all 1 except precision@2 = 1/2
        // user 3: candidates 0..4; T = {0}: as user 1
        assertEquals(2.0 / 3, r.get("recall@1"), EPS);
        assertEquals((0.5 + 1 + 1) / 3, r.get("recall@2"), EPS);
        assertEquals(0.5, r.get("precision@2"), EPS);
        assertEquals((D2 / (1 + D2) + 2) / 3, r.get("ndcg@2"), EPS);
        assertEquals((0.25 + 2) / 3, r.get("map@2"), EPS);
    }

    @Test
    void constantScorerEqualsRankingByItemIdOnRandomData() {
        Dataset d = TinyData.random(SEED, 200, 80, 6);
        Evaluator ev = new Evaluator(d, 1, 5, 10, 20, 100);
        Scorer constant = (users, out) -> Arrays.fill(out, -3f);
        int n = d.nItems();
        Scorer byId = (users, out) -> {
            for (int b = 0; b < users.length; b++) {
                for (int i = 0; i < n; i++) {
                    out[b * n + i] = -i; // strictly decreasing in id
                }
            }
        };
        assertEquals(ev.evaluate(byId, SplitName.TEST, 50), ev.evaluate(constant, SplitName.TEST, 50));
    }

    @Test
    void perfectScorerGivesRecallAndNdcgOne() {
        Dataset d = TinyData.random(SEED, 300, 120, 8);
        int[] ks = {5, 10, 20, 50};
        for (SplitName which : new SplitName[] {SplitName.VALID, SplitName.TEST}) {
            UserItems held = d.split(which).byUser(d.nUsers());
            UserItems train = d.trainByUser();
            Scorer perfect = (users, out) -> {
                int n = d.nItems();
                for (int b = 0; b < users.length; b++) {
                    for (int i = 0; i < n; i++) {
                        // training items scored highest of all: the mask must still drop them
                        out[b * n + i] = train.contains(users[b], i) ? 1e6f
                                : held.contains(users[b], i) ? 1f : 0f;
                    }
                }
            };
            // only users whose held-out items are all outside train can reach recall 1
            Dataset clean = withoutHeldOutTrainOverlap(d);
            EvalResult r = new Evaluator(clean, ks).evaluate(perfect, which, 64);
            UserItems cleanHeld = clean.split(which).byUser(d.nUsers());
            for (int k : ks) {
                boolean allFit = true;
                for (int u = 0; u < d.nUsers(); u++) {
                    allFit &= cleanHeld.count(u) <= k;
                }
                if (allFit) {
                    assertEquals(1.0, r.get("recall@" + k), EPS, which + " recall@" + k);
                    assertEquals(1.0, r.get("ndcg@" + k), EPS, which + " ndcg@" + k);
                }
                assertEquals(1.0, r.get("map@" + k), EPS, which + " map@" + k);
            }
            assertEquals(1.0, r.get("recall@50"), EPS); // at most 8 held-out items per user
        }
    }

    @Test
    void moreHeldOutItemsThanK() {
        // user 0 has 5 test items, K = 2; perfect scores
        Dataset d = TinyData.of(1, 8, TinyData.split(new int[] {0, 7}), TinyData.split(),
                TinyData.split(new int[] {0, 1}, new int[] {0, 2}, new int[] {0, 3}, new int[] {0, 4},
                        new int[] {0, 5}));
        Scorer perfect = (users, out) -> {
            for (int i = 0; i < 8; i++) {
                out[i] = i >= 1 && i <= 5 ? 1f : 0f;
            }
        };
        EvalResult r = new Evaluator(d, 2).evaluate(perfect, SplitName.TEST, 1);
        assertEquals(2.0 / 5, r.get("recall@2"), EPS); // 2 hits of 5
        assertEquals(1.0, r.get("precision@2"), EPS);
        assertEquals(1.0, r.get("ndcg@2"), EPS); // IDCG over min(5, 2) positions
        assertEquals(1.0, r.get("map@2"), EPS); // (1 + 1) / min(5, 2)
    }

    @Test
    void recallIsMonotoneInK() {
        Dataset d = TinyData.random(SEED + 1, 250, 150, 10);
        int[] ks = {1, 2, 3, 5, 8, 10, 20, 50, 100, 150, 1000};
        EvalResult r = new Evaluator(d, ks).evaluate(
                TinyData.matrix(TinyData.roundedScores(SEED, 250, 150)), SplitName.TEST, 33);
        for (int i = 1; i < ks.length; i++) {
            assertTrue(r.get("recall@" + ks[i]) >= r.get("recall@" + ks[i - 1]), "recall@" + ks[i]);
        }
    }

    @Test
    void usersWithoutHeldOutItemsAreExcluded() {
        Dataset d = TinyData.tiny();
        List<Integer> seen = new ArrayList<>();
        Scorer spy = (users, out) -> {
            for (int u : users) {
                seen.add(u);
            }
            Arrays.fill(out, 0f);
        };
        EvalResult r = new Evaluator(d).evaluate(spy, SplitName.TEST, 2);
        assertEquals(List.of(0, 1, 3), seen); // ascending, user 2 never scored
        assertEquals(3, r.nUsers());
        seen.clear();
        assertEquals(2, new Evaluator(d).evaluate(spy, SplitName.VALID, 2).nUsers());
        assertEquals(List.of(0, 1), seen);
    }

    @Test
    void batchSizeDoesNotChangeTheResult() {
        Dataset d = TinyData.random(SEED + 2, 400, 300, 7);
        Scorer s = TinyData.matrix(TinyData.roundedScores(SEED + 2, 400, 300));
        Evaluator ev = new Evaluator(d);
        for (SplitName which : new SplitName[] {SplitName.VALID, SplitName.TEST}) {
            EvalResult one = ev.evaluate(s, which, 1);
            assertEquals(one, ev.evaluate(s, which, 7), which.toString());
            assertEquals(one, ev.evaluate(s, which, one.nUsers()), which.toString());
            assertEquals(one, ev.evaluate(s, which, 100_000), which.toString());
        }
    }

    @Test
    void trainingItemsAreNeverRecommended() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int n = 300;
        for (int trial = 0; trial < 200; trial++) {
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rnd.nextInt(5);
            }
            int[] mask = rnd.ints(rnd.nextInt(0, n + 1), 0, n).distinct().sorted().toArray();
            for (int i : mask) {
                scores[i] = Float.POSITIVE_INFINITY; // as tempting as possible
            }
            int[] top = new int[rnd.nextInt(1, 400)];
            int got = Evaluator.topK(scores, 0, n, mask, 0, mask.length, top);
            assertEquals(Math.min(top.length, n - mask.length), got);
            Set<Integer> masked = new HashSet<>();
            for (int i : mask) {
                masked.add(i);
            }
            for (int j = 0; j < got; j++) {
                assertFalse(masked.contains(top[j]), "masked item " + top[j] + " at rank " + (j + 1));
            }
            assertArrayEquals(naiveTop(scores, masked, got), Arrays.copyOf(top, got));
        }
    }

    @Test
    void topKOrdersTiesByAscendingItem() {
        float[] s = {1f, 3f, 3f, 2f, 3f, 1f, -0.0f, 0.0f};
        int[] top = new int[8];
        assertEquals(8, Evaluator.topK(s, 0, 8, new int[0], 0, 0, top));
        assertArrayEquals(new int[] {1, 2, 4, 3, 0, 5, 6, 7}, top);
        top = new int[2];
        Evaluator.topK(s, 0, 8, new int[] {2}, 0, 1, top);
        assertArrayEquals(new int[] {1, 4}, top);
    }

    @Test
    void matchesNaiveImplementationOnRandomDataWithTies() {
        int nUsers = 400;
        int nItems = 120;
        // with a K above n_items the heap never fills, so most seeds use K <= 50 to exercise
        // replacement at the boundary ties
        int[][] kSets = {{1, 5, 10, 20, 50}, {3, 7, 40}, {1, 5, 10, 20, 50, 200}};
        for (long seed = SEED; seed < SEED + 3; seed++) {
            int[] ks = kSets[(int) (seed - SEED)];
            Dataset d = TinyData.random(seed, nUsers, nItems, 12);
            float[][] scores = TinyData.roundedScores(seed * 31, nUsers, nItems);
            for (SplitName which : new SplitName[] {SplitName.VALID, SplitName.TEST}) {
                EvalResult got = new Evaluator(d, ks).evaluate(TinyData.matrix(scores), which, 37);
                Map<String, Double> want = naiveEvaluate(d, scores, which, ks);
                assertEquals(want.get("users").intValue(), got.nUsers());
                for (String name : got.metrics().keySet()) {
                    assertEquals(want.get(name), got.get(name), EPS, "seed " + seed + " " + which + " " + name);
                }
            }
        }
    }

    @Test
    void rejectsNaNScoresNamingTheUser() {
        Scorer nan = (users, out) -> {
            Arrays.fill(out, 0f);
            for (int b = 0; b < users.length; b++) {
                if (users[b] == 3) {
                    out[b * 6 + 4] = Float.NaN;
                }
            }
        };
        var e = assertThrows(IllegalStateException.class,
                () -> new Evaluator(TinyData.tiny()).evaluate(nan, SplitName.TEST, 10));
        assertTrue(e.getMessage().contains("user 3, item 4"), e.getMessage());
    }

    @Test
    void rejectsUnwrittenScores() {
        Scorer lazy = (users, out) -> {
        };
        var e = assertThrows(IllegalStateException.class,
                () -> new Evaluator(TinyData.tiny()).evaluate(lazy, SplitName.VALID, 10));
        assertTrue(e.getMessage().contains("NaN score for user 0"), e.getMessage());
    }

    @Test
    void rejectsBadKs() {
        Dataset d = TinyData.tiny();
        var empty = assertThrows(IllegalArgumentException.class, () -> new Evaluator(d, new int[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> new Evaluator(d, 5, 0));
        assertTrue(zero.getMessage().contains("positive, got 0"), zero.getMessage());
        var dup = assertThrows(IllegalArgumentException.class, () -> new Evaluator(d, 20, 10, 20));
        assertTrue(dup.getMessage().contains("20 twice"), dup.getMessage());
    }

    @Test
    void sortsKs() {
        Evaluator ev = new Evaluator(TinyData.tiny(), 20, 5, 10);
        assertArrayEquals(new int[] {5, 10, 20}, ev.ks());
        assertArrayEquals(new int[] {5, 10, 20, 50}, new Evaluator(TinyData.tiny()).ks());
        assertEquals("recall@5", ev.metricNames().get(0));
        assertEquals("map@20", ev.metricNames().get(11));
    }

    @Test
    void rejectsTrainSplit() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Evaluator(TinyData.tiny()).evaluate((u, o) -> { }, SplitName.TRAIN, 10));
        assertTrue(e.getMessage().contains("TRAIN"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveBatchSize() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Evaluator(TinyData.tiny()).evaluate((u, o) -> { }, SplitName.TEST, 0));
        assertTrue(e.getMessage().contains("batchSize must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void rejectsSplitWithoutHeldOutItems() {
        Dataset d = TinyData.of(2, 3, TinyData.split(new int[] {0, 1}), TinyData.split(), TinyData.split());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Evaluator(d).evaluate((u, o) -> Arrays.fill(o, 0f), SplitName.VALID, 10));
        assertTrue(e.getMessage().contains("no user has a held-out item in split VALID"), e.getMessage());
    }

    @Test
    void rejectsOutOfRangeIds() {
        Dataset d = TinyData.of(2, 3, TinyData.split(new int[] {0, 1}), TinyData.split(),
                TinyData.split(new int[] {1, 3}));
        var e = assertThrows(IllegalArgumentException.class, () -> new Evaluator(d));
        assertTrue(e.getMessage().contains("TEST row 0: item 3 outside [0, 3)"), e.getMessage());
    }

    @Test
    void formatIsOneLogLine() {
        EvalResult r = new Evaluator(TinyData.tiny(), 1, 3)
                .evaluate(TinyData.matrix(TINY_SCORES), SplitName.VALID, 4);
        assertEquals("users=2 recall@1=0.0000 recall@3=0.5000 ndcg@1=0.0000 ndcg@3=0.2500"
                + " precision@1=0.0000 precision@3=0.1667 map@1=0.0000 map@3=0.1667", r.format());
        var e = assertThrows(IllegalArgumentException.class, () -> r.get("recall@20"));
        assertTrue(e.getMessage().contains("unknown metric 'recall@20'"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> r.metrics().put("x", 1.0));
    }

    /** A rough speed check at Baby's size (19,445 users x 7,050 items); printed, not asserted. */
    @Test
    void babySizedEvaluationIsFast() {
        int nUsers = 19_445;
        int nItems = 7_050;
        Dataset d = TinyData.random(SEED, nUsers, nItems, 3);
        Scorer s = (users, out) -> {
            for (int b = 0; b < users.length; b++) {
                int u = users[b];
                for (int i = 0; i < nItems; i++) {
                    out[b * nItems + i] = ((u * 31 + i * 17) % 1000) / 1000f; // cheap, with ties
                }
            }
        };
        Evaluator ev = new Evaluator(d);
        ev.evaluate(s, SplitName.TEST, 2048); // warm-up (JIT)
        long t0 = System.nanoTime();
        EvalResult r = ev.evaluate(s, SplitName.TEST, 2048);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("baby-sized eval (" + r.nUsers() + " users x " + nItems + " items, incl. scoring): "
                + ms + " ms; " + r.format());
    }

    // ---------------------------------------------------------------- naive reference

    /** Full sort with (score desc, item asc); formulas written out directly. */
    private static Map<String, Double> naiveEvaluate(Dataset d, float[][] scores, SplitName which, int[] ks) {
        Split train = d.train();
        Split held = d.split(which);
        List<Set<Integer>> trainSets = new ArrayList<>();
        List<Set<Integer>> heldSets = new ArrayList<>();
        for (int u = 0; u < d.nUsers(); u++) {
            trainSets.add(new HashSet<>());
            heldSets.add(new HashSet<>());
        }
        for (int k = 0; k < train.size(); k++) {
            trainSets.get(train.users()[k]).add(train.items()[k]);
        }
        for (int k = 0; k < held.size(); k++) {
            heldSets.get(held.users()[k]).add(held.items()[k]);
        }
        String[] fams = {"recall", "ndcg", "precision", "map"};
        Map<String, Double> sums = new LinkedHashMap<>();
        int users = 0;
        for (int u = 0; u < d.nUsers(); u++) {
            Set<Integer> t = heldSets.get(u);
            if (t.isEmpty()) {
                continue;
            }
            users++;
            List<Integer> cand = new ArrayList<>();
            for (int i = 0; i < d.nItems(); i++) {
                if (!trainSets.get(u).contains(i)) {
                    cand.add(i);
                }
            }
            float[] row = scores[u];
            cand.sort(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i));
            for (int k : ks) {
                double hits = 0;
                double dcg = 0;
                double apSum = 0;
                for (int j = 1; j <= Math.min(k, cand.size()); j++) {
                    if (t.contains(cand.get(j - 1))) {
                        hits++;
                        dcg += 1.0 / (Math.log(j + 1) / Math.log(2));
                        apSum += hits / j; // Precision@j at a hit
                    }
                }
                double idcg = 0;
                for (int j = 1; j <= Math.min(t.size(), k); j++) {
                    idcg += 1.0 / (Math.log(j + 1) / Math.log(2));
                }
                double[] v = {hits / t.size(), dcg / idcg, hits / k, apSum / Math.min(t.size(), k)};
                for (int m = 0; m < 4; m++) {
                    sums.merge(fams[m] + "@" + k, v[m], Double::sum);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            out.put(e.getKey(), e.getValue() / users);
        }
        out.put("users", (double) users);
        return out;
    }

    private static int[] naiveTop(float[] scores, Set<Integer> masked, int k) {
        List<Integer> cand = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (!masked.contains(i)) {
                cand.add(i);
            }
        }
        cand.sort(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));
        return cand.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
    }

    /** The same dataset with held-out rows that repeat a training pair removed. */
    private static Dataset withoutHeldOutTrainOverlap(Dataset d) {
        UserItems train = d.trainByUser();
        return TinyData.of(d.nUsers(), d.nItems(), d.train(), filter(d.valid(), train), filter(d.test(), train));
    }

    private static Split filter(Split s, UserItems train) {
        List<int[]> keep = new ArrayList<>();
        for (int k = 0; k < s.size(); k++) {
            if (!train.contains(s.users()[k], s.items()[k])) {
                keep.add(new int[] {s.users()[k], s.items()[k]});
            }
        }
        return TinyData.split(keep.toArray(new int[0][]));
    }
}
