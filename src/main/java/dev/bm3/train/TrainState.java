package dev.bm3.train;

import dev.bm3.eval.EvalResult;

import java.util.List;

/**
 * Where a run stands, at a step boundary: everything besides the model's own state (parameters,
 * optimizer, dropout stream) that training needs to continue exactly. The shuffle of epoch e is
 * a pure function of (seed, e), so no generator state is needed for it.
 *
 * @param epoch       the epoch in progress or next to run (1-based)
 * @param step        steps of {@code epoch} already done (0 at an epoch boundary)
 * @param lossSum     sum of the losses of those steps
 * @param trainNanos  training time spent in those steps
 * @param stopping    early-stopping state after epoch - 1
 * @param bestValid   validation metrics of the best epoch so far (null before the first)
 * @param bestTest    test metrics at that epoch
 * @param epochs      records of the finished epochs
 */
public record TrainState(int epoch, int step, double lossSum, long trainNanos, EarlyStopping stopping,
                         EvalResult bestValid, EvalResult bestTest, List<EpochRecord> epochs) {

    /** The state of a run that has not started. */
    public static TrainState fresh(int patience) {
        return new TrainState(1, 0, 0.0, 0L, new EarlyStopping(patience), null, null, List.of());
    }
}
