package dev.bm3.api;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingBuilderTest {
    @Test
    void trainingWritesARunWithMetricsAndIdMaps() {
        Path run = ApiFixture.run();
        assertTrue(Files.isRegularFile(run.resolve("metrics.json")));
        assertTrue(Files.isRegularFile(run.resolve("model.pt")));
        assertTrue(Files.isRegularFile(run.resolve("u_id_mapping.csv")), "id maps are copied into the run");
        assertTrue(Files.isRegularFile(run.resolve("i_id_mapping.csv")));
    }

    @Test
    void rejectsAnUnknownConfigKeyBeforeCreatingTheRun(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Bm3.trainer().syntheticData(100, 60, 1).set("n_layer", 2).out(out).train());
        assertTrue(e.getMessage().contains("unknown config key 'n_layer'"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void rejectsAnOutOfRangeValue(@TempDir Path tmp) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Bm3.trainer().syntheticData(100, 60, 1).set("dropout", 1.5).out(tmp.resolve("run")).train());
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }

    @Test
    void rejectsAMissingRunDirectory() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Bm3.trainer().train());
        assertEquals("out: the run directory is required (TrainingBuilder.out)", e.getMessage());
    }

    @Test
    void rejectsABadThreadCount(@TempDir Path tmp) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Bm3.trainer().syntheticData(100, 60, 1).threads(0).out(tmp.resolve("run")).train());
        assertEquals("--threads 0: expected an integer >= 1", e.getMessage());
    }
}
