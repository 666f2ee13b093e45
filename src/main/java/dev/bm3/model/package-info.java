/**
 * Recommendation models trained by {@link dev.bm3.train.Trainer}: BM3 on LibTorch and the
 * popularity floor. Each model owns its native tensors and releases them in {@code close()}.
 */
package dev.bm3.model;
