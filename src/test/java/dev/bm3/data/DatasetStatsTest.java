package dev.bm3.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetStatsTest {
    @Test
    void countsDistinctTrainPairsAndColdStartDrops() {
        // user 0 trains on item 1 twice (one distinct pair); user 2 is cold-start
        Dataset d = DatasetLoader.fromArrays("toy", 3, 2,
                new int[] {0, 0, 1, 0, 2}, new int[] {1, 1, 0, 0, 1}, new byte[] {0, 0, 0, 2, 1},
                Map.of("image", new FeatureMatrix("image", 2, 3, new float[6])));
        DatasetStats s = DatasetStats.of(d);
        assertEquals(3, s.trainRows());
        assertEquals(0, s.validRows());
        assertEquals(1, s.testRows());
        assertEquals(2, s.trainPairs());
        assertEquals(2 / 6.0, s.density(), 1e-12);
        assertEquals(1, s.coldStartRowsDropped());
        assertEquals(List.of(new DatasetStats.Modality("image", 2, 3)), s.modalities());
        String text = s.format();
        assertTrue(text.contains("dataset toy: 3 users, 2 items"), text);
        assertTrue(text.contains("density: 33.3333% (2 distinct train pairs)"), text);
        assertTrue(text.contains("cold-start rows dropped: 1"), text);
        assertTrue(text.contains("modality image: 2 x 3"), text);
    }
}
