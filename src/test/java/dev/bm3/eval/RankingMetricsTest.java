package dev.bm3.eval;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankingMetricsTest {
    private static final double EPS = 1e-12;
    private static final double INV_LOG2_3 = 1 / (Math.log(3) / Math.log(2)); // 0.6309297535714575

    @Test
    void metricNamesAreLowerCase() {
        assertEquals("recall@20", RankingMetrics.Metric.RECALL.key(20));
        assertEquals("ndcg@5", RankingMetrics.Metric.NDCG.key(5));
        assertEquals("precision@10", RankingMetrics.Metric.PRECISION.key(10));
        assertEquals("map@50", RankingMetrics.Metric.MAP.key(50));
    }

    @Test
    void handComputedAtFive() {
        // ranks 1..5 = hit, miss, hit, miss, miss; |T_u| = 3
        boolean[] h = {true, false, true, false, false};
        // recall = 2/3; precision = 2/5
        assertEquals(2.0 / 3, RankingMetrics.recall(h, 5, 3), EPS);
        assertEquals(0.4, RankingMetrics.precision(h, 5, 3), EPS);
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG (3 positions) = 1 + 1/log2(3) + 1/2
        assertEquals(1.5 / (1.5 + INV_LOG2_3), RankingMetrics.ndcg(h, 5, 3), EPS);
        // MAP = (P@1 + P@3) / min(3, 5) = (1 + 2/3) / 3 = 5/9
        assertEquals(5.0 / 9, RankingMetrics.map(h, 5, 3), EPS);
    }

    @Test
    void handComputedAtTwo() {
        boolean[] h = {true, false, true, false, false};
        // hits@2 = 1: recall 1/3, precision 1/2
        assertEquals(1.0 / 3, RankingMetrics.recall(h, 2, 3), EPS);
        assertEquals(0.5, RankingMetrics.precision(h, 2, 3), EPS);
        // DCG = 1; IDCG over min(3, 2) = 2 positions = 1 + 1/log2(3)
        assertEquals(1 / (1 + INV_LOG2_3), RankingMetrics.ndcg(h, 2, 3), EPS);
        // MAP = P@1 / min(3, 2) = 1/2
        assertEquals(0.5, RankingMetrics.map(h, 2, 3), EPS);
    }

    @Test
    void listShorterThanKKeepsK() {
        // only 2 candidates; hit at rank 2; |T_u| = 1; K = 5
        boolean[] h = {false, true};
        assertEquals(1.0, RankingMetrics.recall(h, 5, 1), EPS);
        assertEquals(0.2, RankingMetrics.precision(h, 5, 1), EPS); // 1/K, not 1/2
        assertEquals(INV_LOG2_3, RankingMetrics.ndcg(h, 5, 1), EPS); // (1/log2 3) / 1
        assertEquals(0.5, RankingMetrics.map(h, 5, 1), EPS); // P@2 / min(1, 5)
    }

    @Test
    void perfectListGivesNdcgAndMapOne() {
        for (int t = 1; t <= 8; t++) {
            boolean[] h = new boolean[20];
            for (int j = 0; j < t; j++) {
                h[j] = true;
            }
            for (int k = 1; k <= 20; k++) {
                assertEquals(1.0, RankingMetrics.ndcg(h, k, t), EPS, "t=" + t + " k=" + k);
                assertEquals(1.0, RankingMetrics.map(h, k, t), EPS, "t=" + t + " k=" + k);
                assertEquals(Math.min(t, k) / (double) t, RankingMetrics.recall(h, k, t), EPS);
            }
        }
    }

    @Test
    void allMatchesSingleMetricsExactly() {
        SplittableRandom rnd = new SplittableRandom(20240611L);
        int[] ks = {1, 3, 5, 10, 20, 50, 100};
        for (int trial = 0; trial < 500; trial++) {
            int len = rnd.nextInt(0, 60);
            boolean[] h = new boolean[len];
            int hits = 0;
            for (int j = 0; j < len; j++) {
                h[j] = rnd.nextInt(4) == 0;
                hits += h[j] ? 1 : 0;
            }
            int nRel = Math.max(1, hits + rnd.nextInt(0, 5));
            double[] out = new double[4 * ks.length];
            RankingMetrics.all(h, len, nRel, ks, out);
            for (int i = 0; i < ks.length; i++) {
                int k = ks[i];
                assertEquals(RankingMetrics.recall(h, k, nRel), out[i]);
                assertEquals(RankingMetrics.ndcg(h, k, nRel), out[ks.length + i]);
                assertEquals(RankingMetrics.precision(h, k, nRel), out[2 * ks.length + i]);
                assertEquals(RankingMetrics.map(h, k, nRel), out[3 * ks.length + i]);
            }
        }
    }

    @Test
    void rejectsNonPositiveK() {
        var e = assertThrows(IllegalArgumentException.class, () -> RankingMetrics.recall(new boolean[1], 0, 1));
        assertTrue(e.getMessage().contains("k must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void rejectsNoRelevantItems() {
        var e = assertThrows(IllegalArgumentException.class, () -> RankingMetrics.ndcg(new boolean[1], 5, 0));
        assertTrue(e.getMessage().contains("nRelevant must be >= 1, got 0"), e.getMessage());
    }

    @Test
    void rejectsMoreHitsThanRelevant() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.map(new boolean[] {true, true}, 5, 1));
        assertTrue(e.getMessage().contains("2 hits but only 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.all(new boolean[] {true, true}, 2, 1, new int[] {5}, new double[4]));
    }

    @Test
    void rejectsUnsortedKsInAll() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RankingMetrics.all(new boolean[3], 3, 1, new int[] {10, 5}, new double[8]));
        assertTrue(e.getMessage().contains("strictly ascending"), e.getMessage());
    }
}
