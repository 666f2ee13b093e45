package dev.bm3.train;

import dev.bm3.eval.EvalResult;

/** What one epoch produced: mean training loss, wall times and the validation metrics. */
public record EpochRecord(int epoch, double loss, double trainSeconds, double evalSeconds, EvalResult valid,
                          boolean best) {
}
