package dev.bm3.api;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.SplitName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Items whose every interaction was removed before training ({@link ApiFixture#HELD_OUT}) get an
 * embedding from their features alone; their true users (from the data before removal) must rank
 * well above random users.
 */
class ColdStartTest {
    private static Map<String, float[]> features(Dataset d, int item) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (FeatureMatrix f : d.modalities().values()) {
            m.put(f.name(), Arrays.copyOfRange(f.data(), item * f.cols(), (item + 1) * f.cols()));
        }
        return m;
    }

    @Test
    void heldOutItemsRankTheirTrueUsersAboveRandomOnes() {
        Dataset full = ApiFixture.fullData();
        try (Recommender rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(2))) {
            int nUsers = rec.userCount();
            int[] all = java.util.stream.IntStream.range(0, nUsers).toArray();
            double sum = 0;
            int pairs = 0;
            for (int item : ApiFixture.HELD_OUT) {
                float[] e = rec.itemEmbeddingFromFeatures(features(full, item));
                float[] s = rec.scoreUsers(e, all);
                float[] sorted = s.clone();
                Arrays.sort(sorted);
                for (SplitName split : SplitName.values()) {
                    int[] us = full.split(split).users();
                    int[] is = full.split(split).items();
                    for (int r = 0; r < us.length; r++) {
                        if (is[r] == item) {
                            // rank percentile: share of users scoring strictly higher (0 = top, ~0.5 = random)
                            int above = nUsers - upperBound(sorted, s[us[r]]);
                            sum += (double) above / nUsers;
                            pairs++;
                        }
                    }
                }
                // the top users for the embedding are those with the highest scores
                List<ScoredUser> top = rec.recommendUsersForItem(e, 5);
                assertEquals(sorted[nUsers - 1], top.get(0).score());
                assertEquals(ApiFixture.userId(top.get(0).user()), top.get(0).userId());
            }
            double mean = sum / pairs;
            System.out.printf("cold start: %d held-out items, %d true (user, item) pairs, mean rank percentile %.3f%n",
                    ApiFixture.HELD_OUT.length, pairs, mean);
            assertTrue(pairs > 50, "only " + pairs + " true pairs");
            assertTrue(mean < 0.4, "true users' mean rank percentile " + mean + " (random: 0.5)");
        }
    }

    private static int upperBound(float[] sorted, float v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Test
    void oneModalityIsEnoughAndTheMeanIsLinear() {
        Dataset full = ApiFixture.fullData();
        try (Recommender rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(1))) {
            Map<String, float[]> f = features(full, 7);
            float[] img = rec.itemEmbeddingFromFeatures(Map.of("image", f.get("image")));
            float[] txt = rec.itemEmbeddingFromFeatures(Map.of("text", f.get("text")));
            float[] both = rec.itemEmbeddingFromFeatures(f);
            float[] mean = new float[both.length];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = (img[c] + txt[c]) / 2;
            }
            assertArrayEquals(mean, both, 1e-4f);
        }
    }

    @Test
    void rejectsBadFeatures() {
        try (Recommender rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(1))) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> rec.itemEmbeddingFromFeatures(Map.of("audio", new float[3])));
            assertEquals("cold-start item: unknown modality 'audio'; this run has [image, text]", e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> rec.itemEmbeddingFromFeatures(Map.of("image", new float[63])));
            assertEquals("cold-start item: modality 'image' has 63 features, the run was trained with 64", e.getMessage());
            float[] bad = new float[32];
            bad[4] = Float.NaN;
            e = assertThrows(InvalidInputException.class, () -> rec.itemEmbeddingFromFeatures(Map.of("text", bad)));
            assertEquals("cold-start item: modality 'text' feature 4 is NaN; expected a finite value", e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> rec.itemEmbeddingFromFeatures(new HashMap<>()));
            assertTrue(e.getMessage().startsWith("cold-start item: no features given"), e.getMessage());
            e = assertThrows(InvalidInputException.class, () -> rec.recommendUsersForItem(new float[3], 5));
            assertEquals("item embedding has 3 values, expected dim 64", e.getMessage());
        }
    }
}
