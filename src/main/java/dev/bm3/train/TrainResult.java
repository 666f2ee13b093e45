package dev.bm3.train;

import dev.bm3.config.TrainConfig;
import dev.bm3.eval.EvalResult;

import java.util.List;

/**
 * One finished training run: the config, the epoch of best validation metric, the validation and
 * test metrics at that epoch, and every epoch's record.
 */
public record TrainResult(TrainConfig config, int bestEpoch, EvalResult valid, EvalResult test,
                          List<EpochRecord> epochs) {
}
