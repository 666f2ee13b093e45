package dev.bm3.model;

import dev.bm3.train.TrainResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** VBPR: learns on the synthetic data (beats popularity on test recall@20). */
class VbprModelTest {
    @Test
    void beatsPopularityOnSyntheticData() {
        // Published lr 1e-3 / batch 2048 needs ~100+ epochs here; lr 0.01 and batch 512 learn in a few.
        TrainResult r = BaselineFixture.train("vbpr", Map.of("epochs", 10, "learning_rate", 0.01, "train_batch_size", 512, "stopping_step", 100));
        double pop = BaselineFixture.popularityRecall();
        double got = r.test().get("recall@20");
        assertTrue(got > 1.25 * pop, "vbpr test recall@20 " + got + " vs popularity " + pop);
    }
}
