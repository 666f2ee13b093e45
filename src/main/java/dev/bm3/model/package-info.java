/**
 * Recommendation models trained by {@link dev.bm3.train.Trainer}: BM3 on LibTorch, the
 * popularity floor, and the negative-sampling BPR baselines (BPR-MF, LightGCN, VBPR, LATTICE,
 * FREEDOM) with their shared {@link dev.bm3.model.NegativeSampler}. Each model owns its native
 * tensors and releases them in {@code close()}.
 */
package dev.bm3.model;
