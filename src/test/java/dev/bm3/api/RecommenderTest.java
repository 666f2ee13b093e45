package dev.bm3.api;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.data.UserItems;
import dev.bm3.train.TrainedRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecommenderTest {
    private static Recommender rec;
    private static UserItems train;

    @BeforeAll
    static void open() {
        rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(2));
        try (TrainedRun r = TrainedRun.open(ApiFixture.run(), 1)) {
            train = r.dataset().trainByUser();
        }
    }

    @AfterAll
    static void close() {
        rec.close();
    }

    @Test
    void describesTheRun() {
        assertEquals("bm3", rec.model());
        assertEquals(800, rec.userCount());
        assertEquals(500, rec.itemCount());
        assertEquals(64, rec.dimension());
        assertEquals(Map.of("image", 64, "text", 32), rec.modalities());
        assertTrue(rec.hasExternalIds());
        assertTrue(rec.memoryBytes() > 2L * 4 * 64 * (800 + 500), "memory " + rec.memoryBytes());
    }

    @Test
    void recommendExcludesTrainingItemsAndRanksBestFirst() {
        for (int u = 0; u < rec.userCount(); u += 37) {
            List<Recommendation> top = rec.recommend(u, 20);
            assertEquals(20, top.size());
            for (int r = 0; r < top.size(); r++) {
                Recommendation x = top.get(r);
                assertFalse(train.contains(u, x.item()), "user " + u + " got training item " + x.item());
                assertEquals(rec.score(u, new int[] {x.item()})[0], x.score());
                if (r > 0) {
                    Recommendation prev = top.get(r - 1);
                    assertTrue(prev.score() > x.score() || (prev.score() == x.score() && prev.item() < x.item()));
                }
            }
            // nothing outside the list (and not masked) scores higher than the last one kept
            float[] all = rec.score(u, IntStream.range(0, rec.itemCount()).toArray());
            Set<Integer> kept = new HashSet<>();
            top.forEach(x -> kept.add(x.item()));
            float last = top.get(top.size() - 1).score();
            for (int i = 0; i < all.length; i++) {
                if (!kept.contains(i) && !train.contains(u, i)) {
                    assertTrue(all[i] <= last, "item " + i + " scores " + all[i] + " above the cut " + last);
                }
            }
        }
    }

    @Test
    void recommendAlsoExcludesGivenItems() {
        int u = 5;
        List<Recommendation> top = rec.recommend(u, 10);
        int[] drop = {top.get(0).item(), top.get(3).item(), top.get(3).item()};
        List<Recommendation> rest = rec.recommend(u, 10, drop);
        assertTrue(rest.stream().noneMatch(x -> x.item() == drop[0] || x.item() == drop[1]));
        assertEquals(top.get(1), rest.get(0));
        List<Recommendation> byId = rec.recommend(ApiFixture.userId(u), 10,
                List.of(ApiFixture.itemId(drop[0]), ApiFixture.itemId(drop[1])));
        assertEquals(rest, byId);
    }

    @Test
    void batchEqualsSingleCalls() {
        int[] users = IntStream.range(0, rec.userCount()).map(u -> (u * 7) % rec.userCount()).toArray();
        List<List<Recommendation>> batch = rec.recommend(users, 15);
        assertEquals(users.length, batch.size());
        for (int b = 0; b < users.length; b++) {
            assertEquals(rec.recommend(users[b], 15), batch.get(b), "user " + users[b]);
        }
    }

    @Test
    void scoreIsTheDotProductOfTheFinalEmbeddings() {
        int[] items = {0, 499, 7, 250, 250};
        for (int u : new int[] {0, 123, 799}) {
            float[] s = rec.score(u, items);
            float[] ue = rec.userEmbedding(u);
            for (int k = 0; k < items.length; k++) {
                float[] ie = rec.itemEmbedding(items[k]);
                float dot = 0f;
                for (int c = 0; c < ue.length; c++) {
                    dot += ue[c] * ie[c];
                }
                assertEquals(dot, s[k]);
            }
        }
    }

    @Test
    void scoresMatchTheModelsOwnScorer() {
        try (TrainedRun r = TrainedRun.open(ApiFixture.run(), 1)) {
            Dataset d = r.dataset();
            int[] users = {0, 400, 799};
            float[] out = new float[users.length * d.nItems()];
            r.model().scorer().score(users, out);
            for (int b = 0; b < users.length; b++) {
                float[] s = rec.score(users[b], IntStream.range(0, d.nItems()).toArray());
                for (int i = 0; i < s.length; i++) {
                    float ref = out[b * d.nItems() + i];
                    assertEquals(ref, s[i], 1e-4f * Math.max(1f, Math.abs(ref)), "user " + users[b] + " item " + i);
                }
            }
        }
    }

    @Test
    void similarItemsAreRankedByCosine() {
        int item = 42;
        List<Recommendation> sim = rec.similarItems(item, 10);
        assertEquals(10, sim.size());
        float[] q = rec.itemEmbedding(item);
        double[] cos = new double[rec.itemCount()];
        for (int i = 0; i < cos.length; i++) {
            float[] e = rec.itemEmbedding(i);
            double dot = 0, a = 0, b = 0;
            for (int c = 0; c < q.length; c++) {
                dot += q[c] * e[c];
                a += q[c] * q[c];
                b += e[c] * e[c];
            }
            cos[i] = dot / Math.sqrt(a * b);
        }
        Integer[] order = IntStream.range(0, cos.length).filter(i -> i != item).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -cos[i])).toArray(Integer[]::new);
        for (int r = 0; r < sim.size(); r++) {
            assertEquals(cos[order[r]], sim.get(r).score(), 1e-5, "rank " + r);
            assertTrue(sim.get(r).item() != item);
        }
        assertEquals(sim, rec.similarItems(ApiFixture.itemId(item), 10));
    }

    @Test
    void externalIdsRoundTrip() {
        for (int u = 0; u < rec.userCount(); u += 53) {
            assertEquals(ApiFixture.userId(u), rec.userId(u));
            assertEquals(u, rec.userIndex(ApiFixture.userId(u)));
        }
        for (int i = 0; i < rec.itemCount(); i += 31) {
            assertEquals(ApiFixture.itemId(i), rec.itemId(i));
            assertEquals(i, rec.itemIndex(ApiFixture.itemId(i)));
        }
        List<Recommendation> byId = rec.recommend(ApiFixture.userId(9), 5);
        assertEquals(rec.recommend(9, 5), byId);
        byId.forEach(x -> assertEquals(ApiFixture.itemId(x.item()), x.itemId()));
        float[] s = rec.score(ApiFixture.userId(9), List.of(ApiFixture.itemId(3), ApiFixture.itemId(4)));
        assertArrayEquals(rec.score(9, new int[] {3, 4}), s);
    }

    @Test
    void rejectsUnknownExternalIds() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> rec.recommend("nobody", 5));
        assertTrue(e.getMessage().contains("unknown user id 'nobody'") && e.getMessage().contains("u_id_mapping.csv"),
                e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> rec.similarItems("sku-zzz", 5));
        assertTrue(e.getMessage().contains("unknown item id 'sku-zzz'"), e.getMessage());
        // with external ids, indices in decimal are not ids
        assertThrows(InvalidInputException.class, () -> rec.recommend("12", 5));
    }

    @Test
    void rejectsOutOfRangeIndicesAndBadK() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> rec.recommend(800, 5));
        assertEquals("user 800: expected an index in [0, 799]", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> rec.recommend(new int[] {1, -1}, 5));
        assertEquals("user -1: expected an index in [0, 799]", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> rec.score(0, new int[] {500}));
        assertEquals("item 500: expected an index in [0, 499]", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> rec.recommend(0, 5, new int[] {-3}));
        assertEquals("excluded item -3: expected an index in [0, 499]", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> rec.recommend(0, 0));
        assertEquals("k 0: expected a positive integer", e.getMessage());
    }

    @Test
    void kBeyondTheCandidatesReturnsEveryCandidate() {
        int u = 3;
        List<Recommendation> all = rec.recommend(u, 10_000);
        assertEquals(rec.itemCount() - train.count(u), all.size());
    }

    @Test
    void rejectsCallsAfterClose() {
        Recommender r = Recommender.fromEmbeddings(2, new float[] {1, 0}, new float[] {1, 0, 0, 1}, null,
                RecommenderOptions.threads(1));
        r.close();
        r.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.recommend(0, 1));
        assertEquals("recommender is closed", e.getMessage());
    }

    @Test
    void equalScoresAreOrderedByAscendingItemIdAcrossBlocks() {
        // 1 user, 10 items all scoring 1, blocks of 3 items: ties must come back as 0, 1, 2, ... minus exclusions
        float[] items = new float[10];
        Arrays.fill(items, 1f);
        try (Recommender r = Recommender.fromEmbeddings(1, new float[] {1f}, items, new int[][] {{2, 5}},
                new RecommenderOptions(1, 3))) {
            assertEquals(List.of(0, 1, 3, 4, 6, 7),
                    r.recommend(0, 6).stream().map(Recommendation::item).toList());
            assertEquals("0", r.itemId(0));
            assertEquals(4, r.itemIndex("4"));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> r.itemIndex("x4"));
            assertEquals("item id 'x4': this run has no external item ids, expected an index in [0, 9]", e.getMessage());
        }
    }

    @Test
    void randomEmbeddingsAgreeWithAFullSort() {
        SplittableRandom rnd = new SplittableRandom(17);
        int dim = 8;
        float[] us = new float[30 * dim];
        float[] is = new float[257 * dim];
        for (int k = 0; k < us.length; k++) {
            us[k] = (float) rnd.nextGaussian();
        }
        for (int k = 0; k < is.length; k++) {
            is[k] = (float) rnd.nextGaussian();
        }
        try (Recommender r = Recommender.fromEmbeddings(dim, us, is, null, new RecommenderOptions(3, 64))) {
            List<List<Recommendation>> batch = r.recommend(IntStream.range(0, 30).toArray(), 25);
            for (int u = 0; u < 30; u++) {
                float[] s = r.score(u, IntStream.range(0, 257).toArray());
                int[] expected = IntStream.range(0, 257).boxed()
                        .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b))
                        .limit(25).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, batch.get(u).stream().mapToInt(Recommendation::item).toArray());
            }
        }
    }

    @Test
    void popularityRunServesTrainingCounts() throws Exception {
        Path out = java.nio.file.Files.createTempDirectory("bm3-api-pop").resolve("run");
        TrainingResult result = Bm3.trainer().syntheticData(200, 120, 5).model("pop").threads(1).out(out).train();
        assertEquals("pop", result.model());
        assertTrue(result.test().containsKey("recall@20"));
        try (Recommender p = Bm3.open(out)) {
            assertEquals(1, p.dimension());
            assertFalse(p.hasExternalIds());
            List<Recommendation> top = p.recommend(0, 5);
            for (int r = 1; r < top.size(); r++) {
                assertTrue(top.get(r - 1).score() >= top.get(r).score());
            }
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> p.itemEmbeddingFromFeatures(Map.of("image", new float[256])));
            assertTrue(e.getMessage().contains("pop"), e.getMessage());
        }
    }
}
