package dev.bm3.train;

import dev.bm3.InvalidInputException;
import dev.bm3.config.ConfigLoader;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.model.Model;
import dev.bm3.model.Models;
import dev.bm3.torch.TorchRuntime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A finished run reopened for evaluation or serving: its resolved config, its dataset (reloaded
 * from the manifest's data source and checked against the recorded checksum) and the model at
 * the best validation epoch. Owns the model's native memory.
 */
public final class TrainedRun implements AutoCloseable {
    private final TrainConfig config;
    private final Dataset dataset;
    private final Model model;

    private TrainedRun(TrainConfig config, Dataset dataset, Model model) {
        this.config = config;
        this.dataset = dataset;
        this.model = model;
    }

    public static TrainedRun open(Path dir, int threads) {
        RunDirectory run = RunDirectory.open(dir);
        TrainConfig config = TrainConfig.fromMap(ConfigLoader.readYaml(run.resolve(RunDirectory.CONFIG)),
                run.resolve(RunDirectory.CONFIG).toString());
        Dataset dataset = TrainingSession.dataSourceOf(run).load();
        Object recorded = run.readJson(RunDirectory.MANIFEST).get("dataset_checksum");
        if (!dataset.checksum().equals(recorded)) {
            throw new InvalidInputException(run.resolve(RunDirectory.MANIFEST) + ": the dataset changed since training "
                    + "(checksum " + dataset.checksum() + ", recorded " + recorded + ")");
        }
        TorchRuntime.setThreads(threads);
        TorchRuntime.seed(config.seed());
        Model model = Models.create(dataset, config, TorchRuntime.device("cpu"), msg -> { });
        try {
            if (model.trainable()) {
                Path file = run.resolve(RunDirectory.MODEL);
                if (!Files.isRegularFile(file)) {
                    throw new InvalidInputException(dir + ": no " + RunDirectory.MODEL + " (the run ended before its first epoch)");
                }
                model.load(file);
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return new TrainedRun(config, dataset, model);
    }

    public TrainConfig config() {
        return config;
    }

    public Dataset dataset() {
        return dataset;
    }

    public Model model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
