package dev.bm3.train;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.SplitName;
import dev.bm3.eval.EvalResult;
import dev.bm3.eval.Evaluator;
import dev.bm3.model.Model;
import org.bytedeco.javacpp.PointerScope;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains one model on one dataset with one config: shuffled batches of positive interactions,
 * one {@link PointerScope} per step, validation every epoch, early stopping on
 * {@code valid_metric}, and the test metrics taken at the best validation epoch (evaluated when
 * that epoch happens, so no reload is needed).
 */
public final class Trainer {
    private final List<TrainingListener> listeners = new ArrayList<>();

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Runs training. {@code onBest} is called after each new best validation epoch (e.g. to write
     * the best checkpoint); may be null.
     */
    public TrainResult train(Dataset data, TrainConfig config, Model model, String label, BestEpochHook onBest) {
        Evaluator evaluator = new Evaluator(data, config.topk());
        int[] trainUsers = data.train().users();
        int[] trainItems = data.train().items();
        int n = trainUsers.length;
        int batch = config.trainBatchSize();
        int steps = (n + batch - 1) / batch;
        int maxEpochs = model.trainable() ? config.epochs() : 1;
        // One seed drives the shuffles too; LibTorch's generator was seeded by the caller.
        SplittableRandom rng = new SplittableRandom(config.seed());
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        EarlyStopping stopping = new EarlyStopping(config.stoppingStep());
        List<EpochRecord> records = new ArrayList<>();
        EvalResult bestValid = null;
        EvalResult bestTest = null;
        listeners.forEach(l -> l.onRunStart(label, steps, maxEpochs));
        for (int epoch = 1; epoch <= maxEpochs; epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            if (model.trainable()) {
                model.onEpochStart(epoch);
                shuffle(order, rng);
                for (int s = 0; s < steps; s++) {
                    int from = s * batch;
                    int to = Math.min(n, from + batch);
                    int[] u = new int[to - from];
                    int[] i = new int[to - from];
                    for (int k = from; k < to; k++) {
                        u[k - from] = trainUsers[order[k]];
                        i[k - from] = trainItems[order[k]];
                    }
                    double loss;
                    try (PointerScope scope = new PointerScope()) {
                        loss = model.trainStep(u, i);
                    } catch (IllegalStateException e) {
                        throw new TrainingFailedException("epoch " + epoch + ", step " + (s + 1) + ": " + e.getMessage(), e);
                    }
                    lossSum += loss;
                    final int step = s + 1;
                    final int ep = epoch;
                    listeners.forEach(l -> l.onStep(ep, step, steps, loss));
                }
            }
            long t1 = System.nanoTime();
            EvalResult valid = evaluator.evaluate(model.scorer(), SplitName.VALID, config.evalBatchSize());
            long t2 = System.nanoTime();
            boolean improved = stopping.update(epoch, valid.get(config.validMetric()));
            if (improved) {
                bestValid = valid;
                bestTest = evaluator.evaluate(model.scorer(), SplitName.TEST, config.evalBatchSize());
                if (onBest != null) {
                    onBest.onBest(epoch, model);
                }
            }
            EpochRecord record = new EpochRecord(epoch, model.trainable() ? lossSum / steps : 0.0,
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, valid, improved);
            records.add(record);
            listeners.forEach(l -> l.onEpoch(record));
            if (stopping.shouldStop()) {
                break;
            }
        }
        TrainResult result = new TrainResult(config, stopping.bestEpoch(), bestValid, bestTest, List.copyOf(records));
        listeners.forEach(l -> l.onRunEnd(label, result));
        return result;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    /** Called after each new best validation epoch, with the model in that epoch's state. */
    @FunctionalInterface
    public interface BestEpochHook {
        void onBest(int epoch, Model model);
    }
}
