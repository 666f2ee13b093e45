package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.config.ConfigLoader;
import dev.bm3.config.SearchSpace;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.DataSource;
import dev.bm3.data.Dataset;
import dev.bm3.train.RunDirectory;
import dev.bm3.train.TrainResult;
import dev.bm3.train.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model (default: BM3 with the tuned Baby values) and write a run directory.",
                "List values (--set n_layers=[1,2], lists in the YAML, or --grid paper) make a grid search; "
                        + "the winner is chosen by the validation metric."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Option(names = "--model", paramLabel = "NAME", description = "Model: bm3 (default), pop, or a baseline: bpr, lightgcn, vbpr, lattice, freedom.")
    String model;

    @Option(names = "--config", paramLabel = "FILE.yaml", description = "YAML config with MMRec key names.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key; a list value makes a grid. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--grid", paramLabel = "NAME", description = "A named grid: 'paper' (SPEC section 5).")
    String grid;

    @Option(names = "--seed", description = "Seed for everything (default 999).")
    Long seed;

    @Option(names = "--threads", description = "Threads for LibTorch, OpenMP and OpenBLAS (default: available cores).")
    Integer threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--kernels", paramLabel = "native|torch", description = "Graph convolution and cosine-loss path (default: native where available).")
    String kernels;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "Run directory to create (must be new or empty).")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue a run from its last checkpoint (same data; config from the run).")
    Path resume;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (resume != null) {
            return resume();
        }
        if (out == null) {
            throw new InvalidInputException("train: --out RUN_DIR is required (or --resume RUN_DIR)");
        }
        SearchSpace space = space();
        List<TrainConfig> configs = space.expand(); // validates every combination before any work
        DataSource source = data.source();
        Dataset dataset = source.load();
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        PrintWriter out = spec.commandLine().getOut();
        TrainingSession session = new TrainingSession(dataset, source, device, nThreads);
        // Only now, with data and config valid, does the run directory come into being.
        RunDirectory run = RunDirectory.create(this.out);
        out.println("training " + configs.size() + " configuration(s) of " + configs.get(0).model() + " on "
                + dataset.name() + " (" + dataset.nUsers() + " users, " + dataset.nItems() + " items), " + nThreads
                + " thread(s), run directory " + run.path());
        session.addListener(new ProgressListener(out, System.console() != null, configs.get(0).validMetric()));
        session.stopWhen(StopSignals.install());
        TrainResult best = session.run(space, run);
        out.println("done: best epoch " + best.bestEpoch() + ", test " + best.test().format());
        out.println("results in " + run.path().resolve(RunDirectory.METRICS));
        return 0;
    }

    private Integer resume() {
        boolean others = out != null || config != null || !sets.isEmpty() || grid != null || seed != null || model != null
                || kernels != null || data.dir != null || data.name != null || !data.modalities.isEmpty();
        if (others) {
            throw new InvalidInputException("train --resume RUN_DIR takes the data and config of the run; "
                    + "only --threads and --device may be given with it");
        }
        RunDirectory run = RunDirectory.open(resume);
        DataSource source = TrainingSession.dataSourceOf(run);
        Dataset dataset = source.load();
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        PrintWriter out = spec.commandLine().getOut();
        TrainingSession session = new TrainingSession(dataset, source, device, nThreads);
        String metric = TrainConfig.fromMap(dev.bm3.config.ConfigLoader.readYaml(run.resolve(RunDirectory.CONFIG)),
                run.resolve(RunDirectory.CONFIG).toString()).validMetric();
        session.addListener(new ProgressListener(out, System.console() != null, metric));
        session.stopWhen(StopSignals.install());
        out.println("resuming " + run.path());
        TrainResult best = session.resume(run);
        out.println("done: best epoch " + best.bestEpoch() + ", test " + best.test().format());
        out.println("results in " + run.path().resolve(RunDirectory.METRICS));
        return 0;
    }

    SearchSpace space() {
        SearchSpace space = SearchSpace.defaults();
        if (grid != null) {
            if (!grid.equals("paper")) {
                throw new InvalidInputException("--grid " + grid + ": unknown grid; known: paper");
            }
            space = space.with(new LinkedHashMap<>(SearchSpace.PAPER_GRID), "--grid paper");
        }
        if (config != null) {
            space = space.with(ConfigLoader.readYaml(config), config.toString());
        }
        Map<String, Object> cli = new LinkedHashMap<>();
        if (model != null) {
            cli.put("model", model);
        }
        if (seed != null) {
            cli.put("seed", seed);
        }
        if (kernels != null) {
            cli.put("kernels", kernels);
        }
        if (!cli.isEmpty()) {
            space = space.with(cli, "command line");
        }
        if (!sets.isEmpty()) {
            space = space.with(ConfigLoader.parseSets(sets), "--set");
        }
        return space;
    }
}
