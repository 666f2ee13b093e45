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
import java.util.function.Supplier;

/**
 * Trains one model on one dataset with one config: shuffled batches of positive interactions,
 * one {@link PointerScope} per step, validation every epoch, early stopping on
 * {@code valid_metric}, and the test metrics taken at the best validation epoch (evaluated when
 * that epoch happens, so no reload is needed). Training can start from a saved {@link TrainState}
 * and is checkpointed through a {@link CheckpointHook} after every epoch and when stopped.
 */
public final class Trainer {
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Supplier<String> stopRequest = () -> null;

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Polled after every step; a non-null answer (e.g. "SIGTERM") ends training at that step
     * boundary: the hook writes a checkpoint and {@link TrainingStoppedException} is thrown.
     */
    public Trainer stopWhen(Supplier<String> request) {
        this.stopRequest = request;
        return this;
    }

    /** Trains from scratch; {@code onBest} (may be null) runs after each new best epoch. */
    public TrainResult train(Dataset data, TrainConfig config, Model model, String label, BestEpochHook onBest) {
        return train(data, config, model, label, TrainState.fresh(config.stoppingStep()), new CheckpointHook() {
            @Override
            public void onBest(int epoch, Model m) {
                if (onBest != null) {
                    onBest.onBest(epoch, m);
                }
            }
        });
    }

    /** Trains from {@code state} (fresh or restored from a checkpoint together with the model). */
    public TrainResult train(Dataset data, TrainConfig config, Model model, String label, TrainState state,
                             CheckpointHook hook) {
        Evaluator evaluator = new Evaluator(data, config.topk());
        int[] trainUsers = data.train().users();
        int[] trainItems = data.train().items();
        int n = trainUsers.length;
        int batch = config.trainBatchSize();
        int steps = (n + batch - 1) / batch;
        int maxEpochs = model.trainable() ? config.epochs() : 1;
        EarlyStopping stopping = state.stopping();
        List<EpochRecord> records = new ArrayList<>(state.epochs());
        EvalResult bestValid = state.bestValid();
        EvalResult bestTest = state.bestTest();
        int[] order = new int[n];
        listeners.forEach(l -> l.onRunStart(label, steps, maxEpochs));
        for (int epoch = state.epoch(); epoch <= maxEpochs && !(records.size() > 0 && stopping.shouldStop()); epoch++) {
            boolean resumedMidEpoch = epoch == state.epoch() && state.step() > 0;
            int firstStep = resumedMidEpoch ? state.step() : 0;
            double lossSum = resumedMidEpoch ? state.lossSum() : 0.0;
            long trainNanos = resumedMidEpoch ? state.trainNanos() : 0L;
            // the model's per-epoch work (FREEDOM's edge dropout, a graph rebuild) is training time
            long hook0 = System.nanoTime();
            model.onEpochStart(epoch);
            trainNanos += System.nanoTime() - hook0;
            if (model.trainable()) {
                epochOrder(order, config.seed(), epoch);
                for (int s = firstStep; s < steps; s++) {
                    long t0 = System.nanoTime();
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
                    if (!Double.isFinite(loss)) {
                        throw new TrainingFailedException("epoch " + epoch + ", step " + (s + 1) + ": loss is " + loss
                                + "; the last checkpoint is from before this epoch", null);
                    }
                    lossSum += loss;
                    trainNanos += System.nanoTime() - t0;
                    final int step = s + 1;
                    final int ep = epoch;
                    listeners.forEach(l -> l.onStep(ep, step, steps, loss));
                    String signal = stopRequest.get();
                    if (signal != null && step < steps) {
                        TrainState at = new TrainState(epoch, step, lossSum, trainNanos, stopping, bestValid, bestTest,
                                List.copyOf(records));
                        hook.onCheckpoint(at, model);
                        throw new TrainingStoppedException(signal, epoch, step);
                    }
                }
            }
            long t1 = System.nanoTime();
            EvalResult valid = evaluator.evaluate(model.scorer(), SplitName.VALID, config.evalBatchSize());
            long t2 = System.nanoTime();
            boolean improved = stopping.update(epoch, valid.get(config.validMetric()));
            if (improved) {
                bestValid = valid;
                bestTest = evaluator.evaluate(model.scorer(), SplitName.TEST, config.evalBatchSize());
            }
            EpochRecord record = new EpochRecord(epoch, model.trainable() ? lossSum / steps : 0.0,
                    trainNanos / 1e9, (t2 - t1) / 1e9, valid, improved);
            records.add(record);
            listeners.forEach(l -> l.onEpoch(record));
            if (improved) {
                hook.onBest(epoch, model);
            }
            TrainState next = new TrainState(epoch + 1, 0, 0.0, 0L, stopping, bestValid, bestTest, List.copyOf(records));
            hook.onCheckpoint(next, model);
            String signal = stopRequest.get();
            if (signal != null && !stopping.shouldStop() && epoch < maxEpochs) {
                throw new TrainingStoppedException(signal, epoch + 1, 0);
            }
        }
        TrainResult result = new TrainResult(config, stopping.bestEpoch(), bestValid, bestTest, List.copyOf(records));
        listeners.forEach(l -> l.onRunEnd(label, result));
        return result;
    }

    /**
     * The visiting order of epoch {@code epoch}: a Fisher-Yates shuffle of 0..n-1 driven by a
     * generator seeded from (seed, epoch) alone, so a resumed run needs no generator state.
     */
    static void epochOrder(int[] order, long seed, int epoch) {
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int k = order.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
    }

    /** Called after each new best validation epoch, with the model in that epoch's state. */
    @FunctionalInterface
    public interface BestEpochHook {
        void onBest(int epoch, Model model);
    }

    /** Persistence points of a run; both methods run on the training thread. */
    public interface CheckpointHook {
        /** After a new best validation epoch (e.g. write the best parameters). */
        default void onBest(int epoch, Model model) {
        }

        /** At an epoch end, or at the step where a stop was requested: write a resumable checkpoint. */
        default void onCheckpoint(TrainState state, Model model) {
        }
    }
}
