package dev.bm3.train;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.SyntheticGenerator;
import dev.bm3.eval.PopularityScorer;
import dev.bm3.eval.Scorer;
import dev.bm3.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint writing and reading around failures: NaN losses, unwritable files, corruption. */
class CheckpointTest {
    static final Dataset DATA = new SyntheticGenerator(new SyntheticGenerator.Config(120, 80, 10, 5, 4, 8, 8, 0.2, 1)).generate();

    /** A model whose loss is 1.0 until a given global step, then NaN; its state is one counter. */
    static final class FakeModel implements Model {
        final int nanAtStep;
        int steps;

        FakeModel(int nanAtStep) {
            this.nanAtStep = nanAtStep;
        }

        @Override
        public boolean trainable() {
            return true;
        }

        @Override
        public double trainStep(int[] users, int[] items) {
            return ++steps >= nanAtStep ? Double.NaN : 1.0;
        }

        @Override
        public Scorer scorer() {
            return new PopularityScorer(DATA);
        }

        @Override
        public void save(Path file) {
            saveTrainingState(file);
        }

        @Override
        public void load(Path file) {
            loadTrainingState(file);
        }

        @Override
        public void saveTrainingState(Path file) {
            try {
                Files.writeString(file, Integer.toString(steps));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void loadTrainingState(Path file) {
            try {
                steps = Integer.parseInt(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
        }
    }

    static TrainConfig config() {
        return TrainConfig.fromMap(Map.of("epochs", 5, "train_batch_size", 64, "stopping_step", 100), "t");
    }

    static Trainer.CheckpointHook hook(RunDirectory run, TrainConfig c) {
        return new Trainer.CheckpointHook() {
            @Override
            public void onCheckpoint(TrainState s, Model m) {
                Checkpoints.write(run, s, m, c, DATA.checksum());
            }
        };
    }

    @Test
    void nanLossNamesEpochAndStepAndKeepsTheLastCheckpoint(@TempDir Path dir) {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        TrainConfig c = config();
        int stepsPerEpoch = (DATA.train().size() + 63) / 64;
        FakeModel m = new FakeModel(2 * stepsPerEpoch + 3); // step 3 of epoch 3
        TrainingFailedException e = assertThrows(TrainingFailedException.class,
                () -> new Trainer().train(DATA, c, m, "t", TrainState.fresh(c.stoppingStep()), hook(run, c)));
        assertTrue(e.getMessage().contains("epoch 3, step 3") && e.getMessage().contains("NaN"), e.getMessage());
        Checkpoints.Restored r = Checkpoints.read(run, c, DATA.checksum());
        assertEquals(3, r.state().epoch(), "the checkpoint after epoch 2 survives");
        assertEquals(2, r.state().epochs().size());
    }

    @Test
    void unwritableCheckpointIsAClearErrorAndThePreviousOneSurvives(@TempDir Path dir) throws IOException {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        TrainConfig c = config();
        FakeModel m = new FakeModel(Integer.MAX_VALUE);
        TrainState s1 = new TrainState(2, 0, 0, 0, new EarlyStopping(100), null, null, java.util.List.of());
        Checkpoints.write(run, s1, m, c, DATA.checksum());
        // a directory where the next temporary file must go: the write fails like a full disk would
        Files.createDirectory(run.resolve(".checkpoint.json.tmp"));
        TrainState s2 = new TrainState(3, 0, 0, 0, new EarlyStopping(100), null, null, java.util.List.of());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Checkpoints.write(run, s2, m, c, DATA.checksum()));
        assertTrue(e.getMessage().contains("checkpoint.json"), e.getMessage());
        assertEquals(2, Checkpoints.read(run, c, DATA.checksum()).state().epoch(), "the previous checkpoint is intact");
    }

    @Test
    void rejectsCorruptOrForeignCheckpoints(@TempDir Path dir) throws IOException {
        RunDirectory run = RunDirectory.create(dir.resolve("run"));
        TrainConfig c = config();
        FakeModel m = new FakeModel(Integer.MAX_VALUE);
        Checkpoints.write(run, new TrainState(2, 0, 0, 0, new EarlyStopping(100), null, null, java.util.List.of()), m, c,
                DATA.checksum());
        InvalidInputException other = assertThrows(InvalidInputException.class, () -> Checkpoints.read(run, c, "feed"));
        assertTrue(other.getMessage().contains("dataset checksum"), other.getMessage());
        InvalidInputException config = assertThrows(InvalidInputException.class,
                () -> Checkpoints.read(run, c.withSeed(7), DATA.checksum()));
        assertTrue(config.getMessage().contains("config"), config.getMessage());
        String stateFile = (String) run.readJson(Checkpoints.LAST).get("state_file");
        Files.writeString(run.resolve(stateFile), "garbage");
        InvalidInputException corrupt = assertThrows(InvalidInputException.class, () -> Checkpoints.read(run, c, DATA.checksum()));
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
        Files.writeString(run.resolve(Checkpoints.LAST), "{ not json");
        InvalidInputException json = assertThrows(InvalidInputException.class, () -> Checkpoints.read(run, c, DATA.checksum()));
        assertTrue(json.getMessage().contains(Checkpoints.LAST), json.getMessage());
    }
}
