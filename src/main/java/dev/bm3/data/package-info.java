/**
 * Interaction and feature data: the MMRec {@code .inter} reader, NumPy {@code .npy} reader/writer,
 * datasets with named modalities, and the synthetic generator. No LibTorch types here.
 */
package dev.bm3.data;
