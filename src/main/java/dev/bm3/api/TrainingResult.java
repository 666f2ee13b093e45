package dev.bm3.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * The outcome of {@link TrainingBuilder#train()} (for a grid: the winner by validation metric).
 *
 * @param runDirectory the run directory written (open it with {@link Recommender#open(Path)})
 * @param model        the model name ({@code bm3}, {@code pop})
 * @param bestEpoch    the epoch whose parameters were kept (best validation metric)
 * @param epochs       how many epochs ran (early stopping may end before the limit)
 * @param valid        validation metrics at the best epoch, insertion-ordered, unmodifiable
 * @param test         test metrics at the best epoch, insertion-ordered, unmodifiable
 * @param config       the resolved configuration (MMRec key names), unmodifiable
 */
public record TrainingResult(Path runDirectory, String model, int bestEpoch, int epochs, Map<String, Double> valid,
                             Map<String, Double> test, Map<String, Object> config) {
}
