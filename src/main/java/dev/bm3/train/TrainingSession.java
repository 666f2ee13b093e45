package dev.bm3.train;

import dev.bm3.config.SearchSpace;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.DataSource;
import dev.bm3.data.Dataset;
import dev.bm3.data.IdMap;
import dev.bm3.eval.Evaluator;
import dev.bm3.model.Model;
import dev.bm3.model.Models;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.pytorch.Device;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one training job into a run directory: one run, or a grid (each combination re-seeded
 * with the same seed, in {@code grid/NN-key=value...}), the winner chosen by the VALIDATION
 * metric; the winner's model, epoch log and curve are copied to the top of the run directory and
 * {@code metrics.json} lists every combination under {@code grid}.
 */
public final class TrainingSession {
    private final Dataset data;
    private final DataSource source;
    private final Device device;
    private final String deviceName;
    private final int threads;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Supplier<String> stopRequest = () -> null;
    private boolean resuming;

    public TrainingSession(Dataset data, DataSource source, String deviceName, int threads) {
        this.data = data;
        this.source = source;
        this.deviceName = deviceName;
        this.threads = threads;
        TorchRuntime.setThreads(threads);
        this.device = TorchRuntime.device(deviceName);
    }

    public TrainingSession addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * Polled after every training step; a non-null answer (the signal's name) stops training at
     * that step boundary after a checkpoint (see {@link Trainer#stopWhen}).
     */
    public TrainingSession stopWhen(Supplier<String> request) {
        this.stopRequest = request;
        return this;
    }

    /** Trains every combination of {@code space} into a new run directory; returns the winner's result. */
    public TrainResult run(SearchSpace space, RunDirectory run) {
        List<TrainConfig> configs = space.expand();
        run.writeJson(RunDirectory.MANIFEST, manifest(configs, space.axes()));
        copyIdMaps(run);
        return run(configs, space.axes(), run);
    }

    /**
     * Continues the run in {@code run} from its checkpoints: finished grid combinations are read
     * back, the one in progress resumes from its last checkpoint, the rest start fresh. Refuses
     * another dataset (checksum) with a clear error.
     */
    @SuppressWarnings("unchecked")
    public TrainResult resume(RunDirectory run) {
        Map<String, Object> manifest = run.readJson(RunDirectory.MANIFEST);
        Object checksum = manifest.get("dataset_checksum");
        if (!data.checksum().equals(checksum)) {
            throw new dev.bm3.InvalidInputException(run.resolve(RunDirectory.MANIFEST) + ": cannot resume: the run was "
                    + "trained on dataset checksum " + checksum + ", the data now has " + data.checksum());
        }
        List<TrainConfig> configs = new ArrayList<>();
        Object raw = manifest.get("configs");
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            throw new dev.bm3.InvalidInputException(run.resolve(RunDirectory.MANIFEST) + ": cannot resume: no 'configs' list");
        }
        for (Object c : list) {
            configs.add(TrainConfig.fromMap((Map<String, Object>) c, run.resolve(RunDirectory.MANIFEST).toString()));
        }
        List<String> axes = (List<String>) manifest.getOrDefault("axes", List.of());
        resuming = true;
        return run(configs, axes, run);
    }

    private TrainResult run(List<TrainConfig> configs, List<String> axes, RunDirectory run) {
        TrainConfig first = configs.get(0);
        if (configs.size() == 1) {
            TrainResult r = trainOne(first, run, "run");
            run.writeJson(RunDirectory.METRICS, RunDirectory.metricsOf(r));
            return r;
        }
        List<TrainResult> results = new ArrayList<>();
        List<RunDirectory> dirs = new ArrayList<>();
        List<Map<String, Object>> grid = new ArrayList<>();
        for (int k = 0; k < configs.size(); k++) {
            TrainConfig c = configs.get(k);
            Map<String, Object> params = SearchSpace.describe(c, axes);
            String name = String.format("%02d", k + 1) + "-" + slug(params);
            RunDirectory sub = run.child(name);
            TrainResult r = trainOne(c, sub, "grid " + (k + 1) + "/" + configs.size() + " " + params);
            sub.writeJson(RunDirectory.METRICS, RunDirectory.metricsOf(r));
            results.add(r);
            dirs.add(sub);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("run", "grid/" + name);
            entry.put("params", params);
            entry.putAll(RunDirectory.metricsOf(r));
            grid.add(entry);
        }
        String metric = first.validMetric();
        int winner = argmax(results, metric, true);
        int byTest = argmax(results, metric, false);
        TrainResult best = results.get(winner);
        run.writeConfig(best.config());
        run.copyFrom(dirs.get(winner), RunDirectory.MODEL);
        run.copyFrom(dirs.get(winner), RunDirectory.EPOCHS);
        run.copyFrom(dirs.get(winner), RunDirectory.CURVE);
        Map<String, Object> metrics = RunDirectory.metricsOf(best);
        metrics.put("selected_by", "valid " + metric);
        metrics.put("params", grid.get(winner).get("params"));
        Map<String, Object> testChoice = new LinkedHashMap<>();
        testChoice.put("note", "the reference toolkit's protocol (winner by TEST metric), reported for comparison only");
        testChoice.put("params", grid.get(byTest).get("params"));
        testChoice.putAll(RunDirectory.metricsOf(results.get(byTest)));
        metrics.put("winner_by_test", testChoice);
        metrics.put("grid", grid);
        run.writeJson(RunDirectory.METRICS, metrics);
        return best;
    }

    /**
     * Copies the dataset's external id maps ({@link IdMap#USERS_FILE}, {@link IdMap#ITEMS_FILE}),
     * where the dataset directory has them, into the run directory after checking them, so a
     * recommender opened on the run answers in the ids the outside world knows.
     */
    private void copyIdMaps(RunDirectory run) {
        if (source.isSynthetic()) {
            return;
        }
        copyIdMap(run, IdMap.USERS_FILE, IdMap.USER_COLUMN, data.nUsers());
        copyIdMap(run, IdMap.ITEMS_FILE, IdMap.ITEM_COLUMN, data.nItems());
    }

    private void copyIdMap(RunDirectory run, String name, String column, int n) {
        Path src = source.dir().resolve(name);
        if (!java.nio.file.Files.isRegularFile(src)) {
            return;
        }
        IdMap.read(src, column, n);
        run.writeAtomically(name, tmp -> {
            try {
                java.nio.file.Files.copy(src, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private TrainResult trainOne(TrainConfig config, RunDirectory dir, String label) {
        TrainState state = TrainState.fresh(config.stoppingStep());
        Path stateFile = null;
        if (resuming && Checkpoints.exists(dir)) {
            Checkpoints.Restored restored = Checkpoints.read(dir, config, data.checksum());
            state = restored.state();
            stateFile = restored.stateFile();
            if (java.nio.file.Files.isRegularFile(dir.resolve(RunDirectory.METRICS))) {
                // this combination had finished: its result is what the checkpoint recorded
                return new TrainResult(config, state.stopping().bestEpoch(), state.bestValid(), state.bestTest(),
                        state.epochs());
            }
            listeners.forEach(l -> l.onNotice("resuming from " + dir.resolve(Checkpoints.LAST)));
        } else {
            dir.writeConfig(config);
        }
        TorchRuntime.seed(config.seed());
        List<String> metricNames = new Evaluator(data, config.topk()).metricNames();
        Trainer trainer = new Trainer().stopWhen(stopRequest);
        listeners.forEach(trainer::addListener);
        List<EpochRecord> records = new ArrayList<>(state.epochs());
        trainer.addListener(new TrainingListener() {
            @Override
            public void onEpoch(EpochRecord r) {
                records.add(r);
                dir.writeEpochs(records, metricNames);
            }
        });
        try (Model model = Models.create(data, config, device, msg -> listeners.forEach(l -> l.onNotice(msg)))) {
            if (stateFile != null) {
                model.loadTrainingState(stateFile);
            }
            TrainResult r = trainer.train(data, config, model, label, state, new Trainer.CheckpointHook() {
                @Override
                public void onBest(int epoch, Model m) {
                    if (m.trainable()) {
                        dir.writeAtomically(RunDirectory.MODEL, m::save);
                    }
                }

                @Override
                public void onCheckpoint(TrainState s, Model m) {
                    Checkpoints.write(dir, s, m, config, data.checksum());
                }
            });
            TrainingCurvePlot.write(dir, r.epochs(), config.validMetric(), config.model() + " on " + data.name());
            return r;
        }
    }

    private static int argmax(List<TrainResult> results, String metric, boolean byValid) {
        int best = 0;
        for (int k = 1; k < results.size(); k++) {
            double v = (byValid ? results.get(k).valid() : results.get(k).test()).get(metric);
            double b = (byValid ? results.get(best).valid() : results.get(best).test()).get(metric);
            if (v > b) {
                best = k;
            }
        }
        return best;
    }

    private static String slug(Map<String, Object> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "-").append(k).append('=').append(v));
        return sb.toString().replaceAll("[^A-Za-z0-9_.=-]", "_");
    }

    private Map<String, Object> manifest(List<TrainConfig> configs, List<String> axes) {
        TrainConfig first = configs.get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "bm3-engine " + Version.ENGINE);
        m.put("created", Instant.now().toString());
        m.put("seed", first.seed());
        m.put("model", first.model());
        m.put("combinations", configs.size());
        m.put("axes", axes);
        List<Map<String, Object>> all = new ArrayList<>();
        for (TrainConfig c : configs) {
            all.add(c.toMap());
        }
        m.put("configs", all);
        m.put("dataset", data.name());
        m.put("dataset_checksum", data.checksum());
        m.put("data_source", source.toMap());
        m.put("device", deviceName);
        m.put("threads", threads);
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("libtorch", TorchRuntime.version());
        versions.put("java", System.getProperty("java.version"));
        versions.put("git_revision", Version.gitRevision());
        m.put("versions", versions);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        try {
            machine.put("host", InetAddress.getLocalHost().getHostName());
        } catch (java.io.IOException e) {
            machine.put("host", "unknown");
        }
        m.put("machine", machine);
        return m;
    }

    /** The data source of a run directory's manifest. */
    public static DataSource dataSourceOf(RunDirectory run) {
        @SuppressWarnings("unchecked")
        Map<String, Object> src = (Map<String, Object>) run.readJson(RunDirectory.MANIFEST).get("data_source");
        if (src == null) {
            throw new dev.bm3.InvalidInputException(run.resolve(RunDirectory.MANIFEST) + ": no data_source");
        }
        return DataSource.fromMap(src, run.resolve(RunDirectory.MANIFEST).toString());
    }

    public static Path modelFile(RunDirectory run) {
        return run.resolve(RunDirectory.MODEL);
    }
}
