package dev.bm3.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The LightGCN encoder's linear part, {@code H = mean(X0, ÂX0, ..., Â^L X0)} with
 * {@code X0 = [E_U; E_I]}. Implementations differ in how the sparse product runs (LibTorch sparse
 * {@code mm} under autograd, or native kernels with the backward done by hand), not in what they
 * compute.
 */
public interface Propagation extends AutoCloseable {
    /**
     * H for the current embeddings, in the caller's scope. With grad mode on, H is differentiable
     * with respect to the embeddings, either through autograd or via {@link #finishBackward}.
     */
    Tensor encode(Tensor userEmb, Tensor itemEmb, int layers);

    /**
     * Called after {@code loss.backward()}: adds to the embeddings' gradients what autograd could
     * not reach (the native path's hand-written backward). No-op under autograd.
     */
    void finishBackward(Tensor userEmb, Tensor itemEmb, int layers);

    /** Short name for logs: "torch" or "native". */
    String name();

    @Override
    void close();
}
