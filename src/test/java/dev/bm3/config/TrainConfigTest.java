package dev.bm3.config;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {
    @Test
    void defaultsAreTheTunedBabyValues() {
        TrainConfig c = TrainConfig.defaultConfig();
        assertEquals("bm3", c.model());
        assertEquals(1, c.nLayers());
        assertEquals(0.5, c.dropout());
        assertEquals(0.1, c.regWeight());
        assertEquals(2.0, c.clWeight());
        assertEquals(64, c.embeddingSize());
        assertEquals(1e-3, c.learningRate());
        assertEquals(2048, c.trainBatchSize());
        assertEquals(20, c.stoppingStep());
        assertEquals(999L, c.seed());
        assertArrayEquals(new int[] {5, 10, 20, 50}, c.topk());
        assertEquals("recall@20", c.validMetric());
    }

    @Test
    void rejectsUnknownKey() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("n_layer", 2), "my.yaml"));
        assertTrue(e.getMessage().contains("my.yaml") && e.getMessage().contains("'n_layer'"), e.getMessage());
    }

    @Test
    void rejectsOutOfRangeDropout() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("dropout", 1.5), "--set"));
        assertTrue(e.getMessage().contains("'dropout'") && e.getMessage().contains("1.5")
                && e.getMessage().contains("[0, 1)"), e.getMessage());
    }

    @Test
    void trainModeIsExactByDefaultAndValidated() {
        assertEquals("exact", TrainConfig.defaultConfig().trainMode());
        assertEquals("fast", TrainConfig.fromMap(Map.of("train_mode", "fast"), "--set").trainMode());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("train_mode", "quick"), "--set"));
        assertTrue(e.getMessage().contains("'train_mode'") && e.getMessage().contains("quick")
                && e.getMessage().contains("exact or fast"), e.getMessage());
    }

    @Test
    void rejectsWrongType() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("n_layers", "two"), "--set"));
        assertTrue(e.getMessage().contains("'n_layers'") && e.getMessage().contains("integer"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> TrainConfig.fromMap(Map.of("n_layers", 1.5), "--set"));
    }

    @Test
    void rejectsValidMetricOutsideTopk() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("valid_metric", "recall@30"), "--set"));
        assertTrue(e.getMessage().contains("valid_metric"), e.getMessage());
    }

    @Test
    void roundTripsThroughItsMap() {
        TrainConfig c = TrainConfig.fromMap(Map.of("n_layers", 2, "dropout", 0.3, "topk", List.of(20, 10)), "t");
        assertEquals(c, TrainConfig.fromMap(c.toMap(), "copy"));
        assertArrayEquals(new int[] {10, 20}, c.topk());
    }

    @Test
    void setValuesAreYaml() {
        Map<String, Object> m = ConfigLoader.parseSets(List.of("n_layers=[1,2]", "dropout=0.3", "model=pop"));
        assertEquals(List.of(1, 2), m.get("n_layers"));
        assertEquals(0.3, m.get("dropout"));
        assertEquals("pop", m.get("model"));
        assertThrows(InvalidInputException.class, () -> ConfigLoader.parseSets(List.of("dropout")));
        assertThrows(InvalidInputException.class, () -> ConfigLoader.parseSets(List.of("dropout=")));
    }

    @Test
    void gridExpandsListsInKeyOrder() {
        SearchSpace s = SearchSpace.defaults().with(Map.of("dropout", List.of(0.3, 0.5), "n_layers", List.of(1, 2)), "t");
        List<TrainConfig> all = s.expand();
        assertEquals(List.of("n_layers", "dropout"), s.axes());
        assertEquals(4, all.size());
        assertEquals(1, all.get(0).nLayers());
        assertEquals(0.3, all.get(0).dropout());
        assertEquals(0.5, all.get(1).dropout());
        assertEquals(2, all.get(3).nLayers());
    }

    @Test
    void paperGridHasEightCombinations() {
        List<TrainConfig> all = SearchSpace.defaults().with(SearchSpace.PAPER_GRID, "--grid paper").expand();
        assertEquals(8, all.size());
        assertTrue(all.stream().allMatch(c -> c.clWeight() == 2.0));
        // a fixed key order numbers the grid's runs the same way in every JVM
        assertEquals(List.of("n_layers", "dropout", "reg_weight", "cl_weight"), List.copyOf(SearchSpace.PAPER_GRID.keySet()));
    }

    @Test
    void topkListIsNotAGrid() {
        SearchSpace s = SearchSpace.defaults().with(Map.of("topk", List.of(10, 20)), "t");
        assertEquals(List.of(), s.axes());
        assertEquals(1, s.expand().size());
    }

    @Test
    void gridCombinationsAreValidatedBeforeAnyRun() {
        SearchSpace s = SearchSpace.defaults().with(Map.of("dropout", List.of(0.3, 1.5)), "--set");
        assertThrows(InvalidInputException.class, s::expand);
    }

    @Test
    void readsYamlAndRejectsBadYaml(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "n_layers: [1, 2]\nreg_weight: 0.01\n");
        Map<String, Object> m = ConfigLoader.readYaml(good);
        assertEquals(List.of(1, 2), m.get("n_layers"));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "n_layers: 1\n  dropout: : 0.3\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConfigLoader.readYaml(bad));
        assertTrue(e.getMessage().startsWith(bad + ":"), e.getMessage());
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- 1\n- 2\n");
        assertThrows(InvalidInputException.class, () -> ConfigLoader.readYaml(list));
        Path dup = dir.resolve("dup.yaml");
        Files.writeString(dup, "dropout: 0.3\ndropout: 0.5\n");
        assertThrows(InvalidInputException.class, () -> ConfigLoader.readYaml(dup));
    }

    @Test
    void modelDefaultsApplyBeforeUserValues() {
        TrainConfig f = TrainConfig.fromMap(Map.of("model", "freedom"), "t");
        assertEquals(0.8, f.dropout());
        assertEquals(0.0, f.regWeight());
        assertEquals(2, f.nLayers());
        assertEquals(10, f.knnK());
        assertEquals(0.1, f.mmImageWeight());
        TrainConfig l = TrainConfig.fromMap(Map.of("model", "lattice", "lr_decay", 0.5), "t");
        assertEquals(0.5, l.lrDecay(), "the user's value wins");
        assertEquals(0.9, l.lambdaCoeff());
        assertEquals(1.0, TrainConfig.fromMap(Map.of("model", "bpr"), "t").regWeight());
        assertEquals(1e-4, TrainConfig.fromMap(Map.of("model", "lightgcn"), "t").regWeight());
        assertEquals(0.1, TrainConfig.defaultConfig().regWeight(), "BM3 keeps its own");
        assertEquals(f, TrainConfig.fromMap(f.toMap(), "copy"));
    }

    @Test
    void rejectsLearningRateDecayForBm3() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainConfig.fromMap(Map.of("lr_decay", 0.9), "--set"));
        assertTrue(e.getMessage().contains("'lr_decay'") && e.getMessage().contains("bm3"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> TrainConfig.fromMap(Map.of("model", "freedom", "knn_k", 0), "--set"));
    }
}
