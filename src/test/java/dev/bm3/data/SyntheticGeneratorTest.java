package dev.bm3.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticGeneratorTest {
    @TempDir
    Path dir;

    private static final SyntheticGenerator.Config SMALL = new SyntheticGenerator.Config(300, 200, 20, 5, 8, 16, 12, 0.2, 7);

    @Test
    void referenceSplitCounts() {
        assertArrayEquals(new int[] {3, 1, 1}, ReferenceSplit.counts(5));
        assertArrayEquals(new int[] {7, 1, 1}, ReferenceSplit.counts(9));
        assertArrayEquals(new int[] {8, 1, 1}, ReferenceSplit.counts(10));
        assertArrayEquals(new int[] {12, 1, 2}, ReferenceSplit.counts(15));
        assertArrayEquals(new int[] {80, 10, 10}, ReferenceSplit.counts(100));
    }

    @Test
    void isDeterministicForASeed() {
        Dataset a = new SyntheticGenerator(SMALL).generate();
        Dataset b = new SyntheticGenerator(SMALL).generate();
        assertEquals(a.checksum(), b.checksum());
        SyntheticGenerator.Config other = new SyntheticGenerator.Config(300, 200, 20, 5, 8, 16, 12, 0.2, 8);
        assertNotEquals(a.checksum(), new SyntheticGenerator(other).generate().checksum());
    }

    @Test
    void roundTripsThroughTheMmrecLayout() {
        Dataset d = new SyntheticGenerator(SMALL).generate();
        SyntheticGenerator.write(d, dir, "synth");
        Dataset back = DatasetLoader.load(dir);
        assertEquals("synth", back.name());
        assertEquals(d.nUsers(), back.nUsers());
        assertEquals(d.nItems(), back.nItems());
        for (SplitName s : SplitName.values()) {
            assertArrayEquals(d.split(s).users(), back.split(s).users(), s.name());
            assertArrayEquals(d.split(s).items(), back.split(s).items(), s.name());
        }
        assertEquals(d.modalities().keySet(), back.modalities().keySet());
        assertArrayEquals(d.modalities().get("image").data(), back.modalities().get("image").data());
        assertEquals(d.checksum(), back.checksum());
    }

    @Test
    void defaultSizeIsFastAndAsConfigured() {
        long t0 = System.nanoTime();
        Dataset d = new SyntheticGenerator(SyntheticGenerator.Config.defaults()).generate();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int total = d.train().size() + d.valid().size() + d.test().size();
        assertEquals(3_000, d.nUsers());
        assertEquals(2_000, d.nItems());
        assertTrue(total > 90_000 && total < 110_000, "interactions: " + total);
        assertEquals(0, d.coldStartRowsDropped());
        assertEquals(256, d.modalities().get("image").cols());
        assertEquals(128, d.modalities().get("text").cols());
        assertTrue(ms < 4_000, "generation took " + ms + " ms");
    }

    /** The planted taste must matter: an oracle ranking by true taste clearly beats popularity. */
    @Test
    void tasteBeatsPopularity() {
        SyntheticGenerator gen = new SyntheticGenerator(SyntheticGenerator.Config.defaults());
        Dataset d = gen.generate();
        int[] popularity = new int[d.nItems()];
        for (int i : d.train().items()) {
            popularity[i]++;
        }
        double popRecall = recallAt20(d, (u, i) -> popularity[i]);
        double oracleRecall = recallAt20(d, (u, i) -> gen.truth().logit(u, i));
        assertTrue(popRecall > 0.01, "popularity recall@20 " + popRecall);
        assertTrue(oracleRecall > 3 * popRecall, "oracle " + oracleRecall + " vs popularity " + popRecall);
    }

    private interface Score {
        double of(int user, int item);
    }

    private static double recallAt20(Dataset d, Score score) {
        UserItems train = d.trainByUser();
        UserItems test = d.test().byUser(d.nUsers());
        double sum = 0;
        int users = 0;
        double[] s = new double[d.nItems()];
        for (int u = 0; u < d.nUsers(); u++) {
            if (test.count(u) == 0) {
                continue;
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = train.contains(u, i) ? Double.NEGATIVE_INFINITY : score.of(u, i);
            }
            double[] sorted = s.clone();
            Arrays.sort(sorted);
            double threshold = sorted[sorted.length - 20];
            int hits = 0;
            for (int i : test.of(u)) {
                hits += s[i] >= threshold ? 1 : 0;
            }
            sum += hits / (double) test.count(u);
            users++;
        }
        return sum / users;
    }
}
