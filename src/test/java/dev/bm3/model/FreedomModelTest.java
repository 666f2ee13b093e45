package dev.bm3.model;

import dev.bm3.train.TrainResult;
import org.junit.jupiter.api.Test;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** FREEDOM: learns on the synthetic data (beats popularity on test recall@20). */
class FreedomModelTest {
    @Test
    void beatsPopularityOnSyntheticData() {
        // Published lr 1e-3 / batch 2048 needs ~100+ epochs here; lr 0.01 and batch 512 learn in a few.
        TrainResult r = BaselineFixture.train("freedom", Map.of("epochs", 10, "learning_rate", 0.01, "train_batch_size", 512, "stopping_step", 100));
        double pop = BaselineFixture.popularityRecall();
        double got = r.test().get("recall@20");
        assertTrue(got > 1.25 * pop, "freedom test recall@20 " + got + " vs popularity " + pop);
    }

    @Test
    void modalityWeightsFollowTheTextSlotRule() {
        double[] w = FreedomModel.modalityWeights(List.of("image", "text"), 0.1);
        assertArrayEquals(new double[] {0.1, 0.9}, w, 1e-12);
        // Last.fm: the audio features take MMRec's image slot, as in the reference runs
        assertArrayEquals(new double[] {0.9, 0.1}, FreedomModel.modalityWeights(List.of("text", "audio"), 0.1), 1e-12);
        assertArrayEquals(new double[] {0.9, 0.1}, FreedomModel.modalityWeights(List.of("a", "b"), 0.1), 1e-12);
        assertArrayEquals(new double[] {0.1, 0.9}, FreedomModel.modalityWeights(List.of("image", "audio"), 0.1), 1e-12);
        assertArrayEquals(new double[] {0.05, 0.9, 0.05}, FreedomModel.modalityWeights(List.of("image", "text", "audio"), 0.1), 1e-12);
        assertArrayEquals(new double[] {1.0}, FreedomModel.modalityWeights(List.of("image"), 0.1), 1e-12);
    }
}
