package dev.bm3.api;

import dev.bm3.InvalidInputException;
import dev.bm3.config.ConfigLoader;
import dev.bm3.config.SearchSpace;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.DataSource;
import dev.bm3.data.Dataset;
import dev.bm3.data.SyntheticGenerator;
import dev.bm3.train.EpochRecord;
import dev.bm3.train.RunDirectory;
import dev.bm3.train.TrainResult;
import dev.bm3.train.TrainingListener;
import dev.bm3.train.TrainingSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configures and runs training from code, exactly as {@code bm3 train} does: the same config keys
 * (MMRec names, validated, unknown keys rejected), the same data sources, the same run directory.
 * A list value (e.g. {@code set("n_layers", List.of(1, 2))}) makes a grid whose winner is chosen by
 * the validation metric. Not thread-safe; one builder per run.
 */
public final class TrainingBuilder {
    private Path data;
    private String dataset;
    private final Map<String, Path> modalities = new LinkedHashMap<>();
    private SyntheticGenerator.Config synthetic;
    private Path configFile;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private String device = "cpu";
    private Path out;
    private final List<ProgressListener> listeners = new ArrayList<>();

    TrainingBuilder() {
    }

    /** An MMRec dataset directory ({@code NAME.inter}, {@code <m>_feat.npy}, optional id maps). */
    public TrainingBuilder data(Path dir) {
        this.data = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /** The interaction file's stem when the directory holds several {@code .inter} files. */
    public TrainingBuilder dataset(String name) {
        this.dataset = name;
        return this;
    }

    /** A named modality file (relative to the data directory); when any is given, only these are used. */
    public TrainingBuilder modality(String name, Path file) {
        modalities.put(name, file);
        return this;
    }

    /** The built-in synthetic data with its default size (used when no {@link #data} is given). */
    public TrainingBuilder syntheticData() {
        this.synthetic = SyntheticGenerator.Config.defaults();
        return this;
    }

    /** Synthetic data of the given size (mean 33 interactions per user, capped at items / 2). */
    public TrainingBuilder syntheticData(int users, int items, long seed) {
        SyntheticGenerator.Config d = SyntheticGenerator.Config.defaults();
        int mean = Math.min(d.meanInteractions(), items / 2);
        this.synthetic = new SyntheticGenerator.Config(users, items, mean, Math.min(d.minInteractions(), mean),
                d.latentDim(), d.imageDim(), d.textDim(), d.featureNoise(), seed);
        return this;
    }

    /** A YAML config file (MMRec key names); {@link #set} values are laid over it. */
    public TrainingBuilder config(Path yaml) {
        this.configFile = yaml;
        return this;
    }

    /** One config key ({@code epochs}, {@code n_layers}, {@code learning_rate}, ...); a List makes a grid. */
    public TrainingBuilder set(String key, Object value) {
        settings.put(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    /** Shorthand for {@code set("model", name)}: {@code bm3} (default) or {@code pop}. */
    public TrainingBuilder model(String name) {
        return set("model", name);
    }

    /** Shorthand for {@code set("seed", seed)}. */
    public TrainingBuilder seed(long seed) {
        return set("seed", seed);
    }

    /** The one thread setting (LibTorch, OpenMP; OpenBLAS held at 1); default: available cores. */
    public TrainingBuilder threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** {@code cpu} (default), {@code cuda} or {@code cuda:N}. */
    public TrainingBuilder device(String device) {
        this.device = Objects.requireNonNull(device, "device");
        return this;
    }

    /** The run directory to create (must not exist or be empty). Required. */
    public TrainingBuilder out(Path runDirectory) {
        this.out = runDirectory;
        return this;
    }

    public TrainingBuilder listener(ProgressListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Validates the configuration and the data, then creates the run directory and trains.
     *
     * @throws InvalidInputException for a bad key or value, bad data, or an unusable run directory
     *                               (nothing is written then)
     * @throws dev.bm3.train.TrainingFailedException when training diverges (NaN loss)
     */
    public TrainingResult train() {
        if (out == null) {
            throw new InvalidInputException("out: the run directory is required (TrainingBuilder.out)");
        }
        if (data == null && (dataset != null || !modalities.isEmpty())) {
            throw new InvalidInputException("dataset and modality need data(DIR)");
        }
        SearchSpace space = SearchSpace.defaults();
        if (configFile != null) {
            space = space.with(ConfigLoader.readYaml(configFile), configFile.toString());
        }
        if (!settings.isEmpty()) {
            space = space.with(new LinkedHashMap<>(settings), "TrainingBuilder.set");
        }
        space.expand(); // validates every combination before any work
        DataSource source = data != null ? DataSource.directory(data, dataset, modalities)
                : DataSource.synthetic(synthetic != null ? synthetic : SyntheticGenerator.Config.defaults());
        Dataset ds = source.load();
        TrainingSession session = new TrainingSession(ds, source, device, threads);
        RunDirectory run = RunDirectory.create(out);
        session.addListener(new Adapter(listeners));
        TrainResult r = session.run(space, run);
        TrainConfig c = r.config();
        return new TrainingResult(run.path(), c.model(), r.bestEpoch(), r.epochs().size(), r.valid().metrics(),
                r.test().metrics(), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(c.toMap())));
    }

    /** Forwards the engine's training events as Java-typed progress. */
    private record Adapter(List<ProgressListener> targets) implements TrainingListener {
        Adapter {
            targets = List.copyOf(targets);
        }

        @Override
        public void onRunStart(String label, int stepsPerEpoch, int maxEpochs) {
            targets.forEach(l -> l.onRunStart(label, stepsPerEpoch, maxEpochs));
        }

        @Override
        public void onStep(int epoch, int step, int stepsPerEpoch, double loss) {
            targets.forEach(l -> l.onStep(epoch, step, stepsPerEpoch, loss));
        }

        @Override
        public void onEpoch(EpochRecord r) {
            EpochProgress p = new EpochProgress(r.epoch(), r.loss(), r.trainSeconds(), r.evalSeconds(),
                    r.valid().metrics(), r.best());
            targets.forEach(l -> l.onEpoch(p));
        }

        @Override
        public void onNotice(String message) {
            targets.forEach(l -> l.onNotice(message));
        }
    }
}
