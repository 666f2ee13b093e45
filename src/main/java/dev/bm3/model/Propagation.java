package dev.bm3.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The LightGCN encoder's linear part, {@code H = mean(X0, ÂX0, ..., Â^L X0)} with
 * {@code X0 = [E_U; E_I]}. Implementations differ in how the sparse product runs (LibTorch sparse
 * {@code mm} under autograd, or native kernels outside it), not in what they compute.
 */
public interface Propagation extends AutoCloseable {
    /**
     * H for the current embeddings, in the caller's scope: differentiable with respect to them
     * under grad mode for {@link TorchPropagation}; {@link NativePropagation} computes it outside
     * autograd (BM3 trains through {@link NativePropagation#encodeRows}).
     */
    Tensor encode(Tensor userEmb, Tensor itemEmb, int layers);

    /** Short name for logs: "torch" or "native". */
    String name();

    @Override
    void close();
}
