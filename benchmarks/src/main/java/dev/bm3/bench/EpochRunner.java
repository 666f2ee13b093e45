package dev.bm3.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.Split;
import dev.bm3.model.Bm3Model;
import dev.bm3.model.Model;
import dev.bm3.model.Models;
import dev.bm3.model.StepPhases;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Drives whole training epochs of any model the way {@code dev.bm3.train.Trainer} does: the
 * model's per-epoch work ({@link Model#onEpochStart}: LATTICE's graph rebuild flag, FREEDOM's edge
 * dropout, learning-rate schedules), a fresh shuffle, batch assembly into new arrays and one
 * {@code PointerScope} per step. Evaluation is not run. Shared by {@link ModelEpochBenchmark}
 * and {@link CatalogueScalingBenchmark}.
 *
 * <p>At the end of a trial ({@link #finish}) it prints, and appends as one JSON line to the file
 * named by the system property {@value #TRIALS_PROPERTY} (when set), the trial's peak memory
 * ({@link PeakMemory}), losses, sizes and, for BM3, the per-phase breakdown of the measured
 * steps. {@code dev.bm3.bench.SuiteReport} joins those lines with JMH's JSON.
 */
final class EpochRunner implements AutoCloseable {
    /** System property: the JSON-lines file each trial appends its record to. */
    static final String TRIALS_PROPERTY = "bm3.bench.trials";

    private final String benchmark;
    private final Map<String, String> params;
    private final PeakMemory memory;
    private final Dataset data;
    private final Model model;
    private final Split train;
    private final int batch;
    private final int[] order;
    private final StepPhases phases;
    private boolean measuring;
    private int epoch;
    private long outsideStepNanos;
    private int outsideSteps;
    private double firstEpochLoss = Double.NaN;
    private double lastEpochLoss = Double.NaN;

    /**
     * Builds the model named by {@code model} (a {@code TrainConfig} model name, or {@code bm3-fast}
     * for BM3 with {@code train_mode=fast}) over its published defaults
     * ({@code TrainConfig.MODEL_DEFAULTS}), batch 2048, native kernels, the benchmarks' seed.
     * {@code memory} must have been started before the data was loaded; its setup window ends here.
     */
    EpochRunner(String benchmark, Map<String, String> params, Dataset data, String model, PeakMemory memory) {
        this.benchmark = benchmark;
        this.params = params;
        this.memory = memory;
        this.data = data;
        TrainConfig config = config(model);
        this.train = data.train();
        this.batch = config.trainBatchSize();
        this.order = new int[train.size()];
        TorchRuntime.seed(BenchData.SEED);
        this.model = Models.create(data, config, TorchRuntime.device("cpu"), line -> {
            // a silent fallback would time another code path under this model's name
            throw new IllegalStateException("benchmark needs kernels=native: " + line);
        });
        if (this.model instanceof Bm3Model bm3) {
            phases = new StepPhases();
            bm3.setPhases(phases);
        } else {
            phases = null;
        }
        System.out.printf(Locale.ROOT, "%n%s %s: %s, %d users, %d items, %d training pairs, %d steps per epoch, modalities %s,"
                        + " threads %d; config %s%n", benchmark, params, data.name(), data.nUsers(), data.nItems(), train.size(),
                stepsPerEpoch(), widths(data), TorchRuntime.threads(), config.toMap());
        memory.endSetup();
    }

    /** The config of a benchmark model name: MODEL_DEFAULTS come with {@code model}, batch 2048 is explicit. */
    static TrainConfig config(String model) {
        Map<String, Object> m = new HashMap<>();
        if (model.equals("bm3-fast")) {
            m.put("model", "bm3");
            m.put("train_mode", "fast");
        } else {
            m.put("model", model);
        }
        m.put("train_batch_size", 2048);
        m.put("kernels", "native");
        m.put("seed", BenchData.SEED);
        return TrainConfig.fromMap(m, "benchmark model " + model);
    }

    private static Map<String, Integer> widths(Dataset data) {
        Map<String, Integer> w = new LinkedHashMap<>();
        for (Map.Entry<String, FeatureMatrix> e : data.modalities().entrySet()) {
            w.put(e.getKey(), e.getValue().cols());
        }
        return w;
    }

    /** Steps per epoch, the last partial batch included (as the trainer does). */
    int stepsPerEpoch() {
        return (train.size() + batch - 1) / batch;
    }

    /** Resets the phase times once, before the first MEASURED iteration, so warm-up is excluded. */
    void onIteration(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT && !measuring) {
            measuring = true;
            if (phases != null) {
                phases.reset();
            }
            outsideStepNanos = 0;
            outsideSteps = 0;
        }
    }

    /** One epoch; returns the mean step loss. Throws on a non-finite loss. */
    double epoch() {
        epoch++;
        long t0 = System.nanoTime();
        model.onEpochStart(epoch);
        shuffle(epoch);
        int n = train.size();
        int steps = stepsPerEpoch();
        double sum = 0;
        long inSteps = 0;
        for (int s = 0; s < steps; s++) {
            int from = s * batch;
            int to = Math.min(n, from + batch);
            int[] u = new int[to - from];
            int[] i = new int[to - from];
            for (int k = from; k < to; k++) {
                u[k - from] = train.users()[order[k]];
                i[k - from] = train.items()[order[k]];
            }
            long s0 = System.nanoTime();
            double loss;
            try (PointerScope scope = new PointerScope()) {
                loss = model.trainStep(u, i);
            }
            inSteps += System.nanoTime() - s0;
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(benchmark + " " + params + ": epoch " + epoch + ", step " + (s + 1)
                        + ": loss is " + loss);
            }
            sum += loss;
        }
        outsideStepNanos += System.nanoTime() - t0 - inSteps;
        outsideSteps += steps;
        double mean = sum / steps;
        if (Double.isNaN(firstEpochLoss)) {
            firstEpochLoss = mean;
        }
        lastEpochLoss = mean;
        return mean;
    }

    /** The trainer's per-epoch order: Fisher-Yates over 0..n-1 from a generator seeded by (seed, epoch). */
    private void shuffle(int e) {
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        BenchData.shuffle(order, new SplittableRandom(BenchData.SEED * 0x9E3779B97F4A7C15L + e));
    }

    /**
     * Ends the trial: records memory, prints and appends the trial record. A loss that did not
     * decrease over two or more epochs is flagged ({@code loss_decreased: false}), not thrown:
     * the time is still the time, and the report marks the row.
     */
    void finish() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("benchmark", benchmark);
        record.put("params", params);
        record.put("dataset", data.name());
        record.put("users", data.nUsers());
        record.put("items", data.nItems());
        record.put("train_pairs", train.size());
        record.put("steps_per_epoch", stepsPerEpoch());
        record.put("modalities", widths(data));
        record.put("threads", TorchRuntime.threads());
        record.put("epochs", epoch);
        record.put("first_epoch_loss", firstEpochLoss);
        record.put("last_epoch_loss", lastEpochLoss);
        record.put("loss_decreased", epoch < 2 ? null : lastEpochLoss < firstEpochLoss);
        record.put("memory_mb", memory.finish());
        if (outsideSteps > 0) {
            // per step, so it adds to the phases: shuffle, batch assembly, scopes, onEpochStart
            record.put("outside_step_ms_per_step", outsideStepNanos / 1e6 / outsideSteps);
        }
        if (phases != null && phases.steps() > 0) {
            record.put("phase_steps", phases.steps());
            record.put("phases_ms_per_step", phases.meanMillis());
        }
        String json;
        try {
            json = new ObjectMapper().writeValueAsString(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (phases != null) {
            System.out.printf("%n%s %s: %s%n", benchmark, params, StepRunner.phaseLine(phases));
        }
        System.out.printf("%ntrial record: %s%n", json);
        if (Boolean.FALSE.equals(record.get("loss_decreased"))) {
            System.out.printf("WARNING: %s %s: mean epoch loss did not decrease (%.5f -> %.5f)%n", benchmark, params,
                    firstEpochLoss, lastEpochLoss);
        }
        String file = System.getProperty(TRIALS_PROPERTY);
        if (file != null && !file.isBlank()) {
            try {
                Files.writeString(Path.of(file), json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append the trial record to " + file, e);
            }
        }
    }

    @Override
    public void close() {
        model.close();
        memory.close();
    }
}
