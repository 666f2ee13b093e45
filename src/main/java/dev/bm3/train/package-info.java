/**
 * Training: the epoch loop with one PointerScope per step, early stopping on a validation metric,
 * grid search, listeners (log lines, progress), and the run directory (config, manifest, epoch
 * log, metrics, checkpoints, training curve), every file written atomically.
 */
package dev.bm3.train;
