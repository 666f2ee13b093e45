package dev.bm3.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The LightGCN encoder's linear part: {@code mean(X0, ÂX0, ..., Â^L X0)}. Implementations differ
 * in how the sparse product runs (LibTorch sparse {@code mm} with autograd, or native kernels with
 * a hand-written backward), not in what they compute.
 */
public interface Propagation extends AutoCloseable {
    /** The layer mean for {@code x0}, differentiable with respect to {@code x0}. */
    Tensor meanOverLayers(Tensor x0, int layers);

    @Override
    void close();
}
