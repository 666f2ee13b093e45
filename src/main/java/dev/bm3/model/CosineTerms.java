package dev.bm3.model;

import dev.bm3.kernels.Kernels;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The bootstrap terms of one step, {@code term_k = 1 - mean_b cos(P_k[b], T_k[b])} (cosine eps
 * 1e-8 as in PyTorch), where {@code P_k} is row block {@code blocks[k]} of the stacked online
 * predictions {@code p} (blocks of {@code batch} rows) and {@code T_k} holds target rows (no
 * gradient). Returns each term's value and {@code sum_k weights[k] * term_k} carrying its gradient
 * to {@code p}.
 */
public interface CosineTerms {
    Result terms(Tensor p, int batch, int[] blocks, Tensor[] targets, double[] weights);

    /** Per-term values and the weighted sum (a scalar tensor in the autograd graph). */
    record Result(double[] values, Tensor weightedSum) {
    }

    /** LibTorch: {@code cosine_similarity}, mean, weighted sum, all under autograd. */
    CosineTerms TORCH = (p, batch, blocks, targets, weights) -> {
        double[] values = new double[targets.length];
        Tensor sum = null;
        for (int k = 0; k < targets.length; k++) {
            Tensor term = torch.cosine_similarity(p.narrow(0, (long) blocks[k] * batch, batch), targets[k], 1, 1e-8)
                    .mean().neg().add(new Scalar(1.0));
            values[k] = term.item_double();
            Tensor w = term.mul(new Scalar(weights[k]));
            sum = sum == null ? w : sum.add(w);
        }
        return new Result(values, sum);
    };

    /**
     * The fused native kernel (CPU float32): each term's value and weighted gradient in one pass,
     * accumulated into one gradient buffer of {@code p}'s shape; the autograd graph sees a single
     * surrogate {@code s - s.detach() + value} with {@code s = sum(p * grad)}, whose value is the
     * weighted sum and whose gradient with respect to {@code p} is the kernels'.
     */
    CosineTerms NATIVE = (p, batch, blocks, targets, weights) -> {
        Tensor grad = torch.zeros(new long[] {p.size(0), p.size(1)}, new TensorOptions(torch.ScalarType.Float));
        double[] values = new double[targets.length];
        double weighted = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor detached = p.detach().contiguous();
            for (int k = 0; k < targets.length; k++) {
                long offset = (long) blocks[k] * batch;
                values[k] = Kernels.bootstrapLoss(detached.narrow(0, offset, batch), null, targets[k].contiguous(), null,
                        (float) weights[k], grad.narrow(0, offset, batch));
                weighted += weights[k] * values[k];
            }
        }
        Tensor s = p.mul(grad).sum();
        return new Result(values, s.sub(s.detach()).add(new Scalar(weighted)));
    };
}
