package dev.bm3.model;

import dev.bm3.train.TrainResult;
import org.junit.jupiter.api.Test;
import dev.bm3.config.TrainConfig;
import dev.bm3.torch.TorchRuntime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** LATTICE: learns on the synthetic data (beats popularity on test recall@20). */
class LatticeModelTest {
    @Test
    void beatsPopularityOnSyntheticData() {
        // Published lr 1e-3 / batch 2048 needs ~100+ epochs here; lr 0.02 and batch 1024 learn in a
        // few. LATTICE's steps are the slowest of the baselines (dense item graphs, a non-symmetric
        // sparse user-item graph whose backward transposes it), hence fewer, larger steps.
        TrainResult r = BaselineFixture.train("lattice", Map.of("epochs", 6, "learning_rate", 0.02, "train_batch_size", 1024, "stopping_step", 100));
        double pop = BaselineFixture.popularityRecall();
        double got = r.test().get("recall@20");
        assertTrue(got > 1.25 * pop, "lattice test recall@20 " + got + " vs popularity " + pop);
    }

    @Test
    void learningRateDecaysAsMmrecSchedule() {
        TrainConfig c = TrainConfig.fromMap(Map.of("model", "lattice", "embedding_size", 8), "test");
        assertEquals(0.96, c.lrDecay());
        TorchRuntime.seed(1);
        try (LatticeModel m = new LatticeModel(BaselineFixture.data(), c, TorchRuntime.device("cpu"))) {
            m.onEpochStart(1);
            assertEquals(1e-3, m.currentLearningRate(), 1e-15);
            m.onEpochStart(51);
            assertEquals(1e-3 * 0.96, m.currentLearningRate(), 1e-15);
            m.onEpochStart(26);
            assertEquals(1e-3 * Math.pow(0.96, 0.5), m.currentLearningRate(), 1e-15);
        }
    }
}
