package dev.bm3.api;

import java.util.Map;

/**
 * One finished epoch.
 *
 * @param epoch        1-based epoch number
 * @param loss         mean training loss of the epoch
 * @param trainSeconds wall time of the optimisation steps
 * @param evalSeconds  wall time of the validation
 * @param valid        validation metrics ({@code recall@20} ...), unmodifiable
 * @param best         true when this epoch is the best so far by the validation metric
 */
public record EpochProgress(int epoch, double loss, double trainSeconds, double evalSeconds,
                            Map<String, Double> valid, boolean best) {
    public EpochProgress {
        // in the evaluator's order (Map.copyOf's order is salted per JVM)
        valid = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(valid));
    }
}
