package dev.bm3.bench;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.Split;
import dev.bm3.model.Bm3Model;
import dev.bm3.model.Model;
import dev.bm3.model.Models;
import dev.bm3.model.StepPhases;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A BM3 model on a dataset with shuffled batches of training pairs, the way the engine's trainer
 * drives it (one {@code PointerScope} per step), plus the setup-time parity check of the two
 * kernel paths.
 */
final class StepRunner implements AutoCloseable {
    final Model model;
    final StepPhases phases = new StepPhases();
    private final Split train;
    private final int batch;
    private final int[] order;
    private final SplittableRandom rng = new SplittableRandom(BenchData.SEED + 7);
    private final int[] u;
    private final int[] i;
    private int next;
    double lastLoss = Double.NaN;

    /**
     * Builds the model with {@code kernels} after checking that the native and LibTorch paths
     * give the same first loss (same initialisation seed) within 1e-4. The check runs with
     * dropout 0: the two paths draw their dropout masks from different generators (LibTorch's and
     * the native counter-based one), so only the deterministic part of the step can be compared.
     */
    StepRunner(Dataset data, Map<String, Object> settings, String kernels) {
        TrainConfig config = config(settings, kernels);
        this.train = data.train();
        this.batch = config.trainBatchSize();
        this.order = new int[train.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        shuffle();
        this.u = new int[batch];
        this.i = new int[batch];
        fill(0);
        Map<String, Object> noDropout = new HashMap<>(settings);
        noDropout.put("dropout", 0.0);
        double nativeLoss = firstLoss(data, config(noDropout, "native"));
        double torchLoss = firstLoss(data, config(noDropout, "torch"));
        BenchData.requireClose(data.name() + " first loss native (" + fmt(nativeLoss) + ") vs torch (" + fmt(torchLoss) + ")",
                Math.abs(nativeLoss - torchLoss), 1e-4);
        TorchRuntime.seed(BenchData.SEED);
        this.model = Models.create(data, config, device(), System.out::println);
        ((Bm3Model) model).setPhases(phases);
    }

    static TrainConfig config(Map<String, Object> settings, String kernels) {
        Map<String, Object> m = new HashMap<>(settings);
        m.put("kernels", kernels);
        m.put("seed", BenchData.SEED);
        return TrainConfig.fromMap(m, "benchmark");
    }

    private static Device device() {
        return TorchRuntime.device("cpu");
    }

    private double firstLoss(Dataset data, TrainConfig config) {
        TorchRuntime.seed(BenchData.SEED);
        try (Model m = Models.create(data, config, device(), line -> {
            throw new IllegalStateException("benchmark needs kernels=" + config.kernels() + ": " + line);
        }); PointerScope scope = new PointerScope()) {
            TorchRuntime.seed(BenchData.SEED + 5);
            double loss = ((Bm3Model) m).loss(u, i).total().item_double();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("first loss with kernels=" + config.kernels() + " is " + loss);
            }
            return loss;
        }
    }

    private boolean measuring;

    /** Resets the phase times once, before the first MEASURED iteration, so warm-up is excluded. */
    void onIteration(org.openjdk.jmh.infra.IterationParams params) {
        if (params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT && !measuring) {
            measuring = true;
            phases.reset();
        }
    }

    /** Steps per pass over the training pairs (the last partial batch included, as the trainer does). */
    int stepsPerEpoch() {
        return (train.size() + batch - 1) / batch;
    }

    /** One training step on the next batch; reshuffles after a full pass. */
    double step() {
        int steps = stepsPerEpoch();
        if (next == steps) {
            shuffle();
            next = 0;
        }
        int from = next * batch;
        int to = Math.min(train.size(), from + batch);
        int[] bu = u;
        int[] bi = i;
        if (to - from != batch) {
            bu = new int[to - from];
            bi = new int[to - from];
        }
        for (int k = from; k < to; k++) {
            bu[k - from] = train.users()[order[k]];
            bi[k - from] = train.items()[order[k]];
        }
        next++;
        try (PointerScope scope = new PointerScope()) {
            lastLoss = model.trainStep(bu, bi);
        }
        return lastLoss;
    }

    /** One pass over all training pairs in a fresh shuffle; returns the mean step loss. */
    double epoch() {
        shuffle();
        next = 0;
        int steps = stepsPerEpoch();
        double sum = 0;
        for (int s = 0; s < steps; s++) {
            sum += step();
        }
        return sum / steps;
    }

    private void fill(int from) {
        for (int k = 0; k < batch; k++) {
            u[k] = train.users()[order[(from + k) % order.length]];
            i[k] = train.items()[order[(from + k) % order.length]];
        }
    }

    private void shuffle() {
        BenchData.shuffle(order, rng);
    }

    /** The per-phase breakdown, one line. */
    String phaseLine() {
        return phaseLine(phases);
    }

    /** A per-phase breakdown as one line (also {@link EpochRunner}'s). */
    static String phaseLine(StepPhases phases) {
        StringBuilder sb = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : phases.meanMillis().entrySet()) {
            sb.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        return String.format(Locale.ROOT, "phases (ms per step, mean of %d steps):%s | sum %.2f", phases.steps(), sb, total);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "StepRunner" + Arrays.toString(new int[] {train.size(), batch});
    }
}
