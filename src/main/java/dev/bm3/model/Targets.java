package dev.bm3.model;

import org.bytedeco.pytorch.Tensor;

/**
 * One step's dropout targets (no gradient): T_U = drop(H_U), T_I = drop(H_I), T_m = drop(z_m),
 * one Bernoulli draw per matrix, read back as the rows a batch needs.
 */
interface Targets {
    /** Rows {@code index} of T_U. */
    Tensor users(Tensor index);

    /** Rows {@code index} of T_I. */
    Tensor items(Tensor index);

    /** Rows {@code index} of T_m for modality {@code m}. */
    Tensor modality(int m, Tensor index);
}
