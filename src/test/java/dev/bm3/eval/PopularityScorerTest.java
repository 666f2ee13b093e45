package dev.bm3.eval;

import dev.bm3.data.SplitName;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PopularityScorerTest {
    private static final double EPS = 1e-12;

    @Test
    void countsTrainingInteractionsWithDuplicates() {
        // tiny train rows: (0,0) (0,1) (1,2) (2,0) (3,5) (0,0) -> item 0 three times
        PopularityScorer p = new PopularityScorer(TinyData.tiny());
        assertEquals(6, p.nItems());
        int[] want = {3, 1, 1, 0, 0, 1};
        for (int i = 0; i < 6; i++) {
            assertEquals(want[i], p.count(i), "item " + i);
        }
        float[] out = new float[12];
        p.score(new int[] {3, 0}, out);
        assertArrayEquals(new float[] {3, 1, 1, 0, 0, 1, 3, 1, 1, 0, 0, 1}, out);
    }

    @Test
    void handComputedEvaluation() {
        EvalResult r = new Evaluator(TinyData.tiny(), 1, 3)
                .evaluate(new PopularityScorer(TinyData.tiny()), SplitName.TEST, 2);
        // counts 0:3 1:1 2:1 3:0 4:0 5:1
        // user 0: mask {0,1}: ranking 2,5 (tie 1, by id), 3,4 (tie 0); T = {3,4}: hits 0,0,1,1
        //   @1 all 0; @3 recall 1/2, precision 1/3, ndcg (1/2)/(1 + 1/log2 3), map (1/3)/2
        // user 1: mask {2}: ranking 0,1,5,3,4; T = {0}: hit at 1 -> all 1 but precision@3 = 1/3
        // user 3: mask {5}: ranking 0,1,2,3,4; T = {0}: as user 1
        double d2 = Math.log(2) / Math.log(3);
        assertEquals(3, r.nUsers());
        assertEquals(2.0 / 3, r.get("recall@1"), EPS);
        assertEquals(2.0 / 3, r.get("ndcg@1"), EPS);
        assertEquals(2.0 / 3, r.get("precision@1"), EPS);
        assertEquals(2.0 / 3, r.get("map@1"), EPS);
        assertEquals(2.5 / 3, r.get("recall@3"), EPS);
        assertEquals(1.0 / 3, r.get("precision@3"), EPS);
        assertEquals((0.5 / (1 + d2) + 2) / 3, r.get("ndcg@3"), EPS);
        assertEquals(13.0 / 18, r.get("map@3"), EPS); // (1/6 + 1 + 1)/3
    }

    @Test
    void rejectsWrongOutputLength() {
        PopularityScorer p = new PopularityScorer(TinyData.tiny());
        var e = assertThrows(IllegalArgumentException.class, () -> p.score(new int[] {0, 1}, new float[6]));
        assertTrue(e.getMessage().contains("out has 6 entries, expected 2 users x 6 items = 12"), e.getMessage());
    }

    @Test
    void rejectsUnknownUser() {
        PopularityScorer p = new PopularityScorer(TinyData.tiny());
        var e = assertThrows(IllegalArgumentException.class, () -> p.score(new int[] {4}, new float[6]));
        assertTrue(e.getMessage().contains("user 4 outside [0, 4)"), e.getMessage());
    }
}
