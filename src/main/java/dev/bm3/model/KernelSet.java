package dev.bm3.model;

/**
 * The implementations a BM3 step runs on: the graph propagation, the cosine terms, the dropout
 * targets and the optimizer. {@code torch} is the reference's composite path; {@code native} the
 * engine's kernels. Owns the propagation (closed with the model).
 */
public record KernelSet(String name, Propagation propagation, CosineTerms cosine, TargetSampler targets,
                        boolean fusedAdam) {
    /** LibTorch throughout: sparse mm under autograd, cosine_similarity, full-matrix dropout, Adam. */
    public static KernelSet torch(Propagation propagation) {
        return new KernelSet("torch", propagation, CosineTerms.TORCH, TargetSampler.TORCH, false);
    }

    /** The native kernels: CSR propagation, fused cosine terms, counter-based dropout, fused Adam. */
    public static KernelSet nativeKernels(NativePropagation propagation, long seed) {
        return new KernelSet("native", propagation, CosineTerms.NATIVE, new TargetSampler.Native(seed), true);
    }
}
