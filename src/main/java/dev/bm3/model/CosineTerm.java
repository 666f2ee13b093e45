package dev.bm3.model;

import dev.bm3.kernels.Kernels;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * One bootstrap term {@code 1 - mean_b cos(online_b, target_b)} over a batch of rows (cosine eps
 * 1e-8 as in PyTorch); targets carry no gradient. The LibTorch composite builds it under
 * autograd; the native one computes value and gradient in one fused pass and returns a tensor
 * with that value whose gradient with respect to {@code online} is the kernel's:
 * {@code s - s.detach() + value} with {@code s = sum(online * grad)}.
 */
public interface CosineTerm {
    Tensor term(Tensor online, Tensor targets);

    /** LibTorch: {@code cosine_similarity} then mean, differentiated by autograd. */
    CosineTerm TORCH = (online, targets) -> torch.cosine_similarity(online, targets, 1, 1e-8)
            .mean().neg().add(new Scalar(1.0));

    /** The fused native kernel (CPU float32). */
    CosineTerm NATIVE = (online, targets) -> {
        Tensor grad = torch.zeros(new long[] {online.size(0), online.size(1)}, new TensorOptions(torch.ScalarType.Float));
        float value;
        try (NoGradGuard g = new NoGradGuard()) {
            value = Kernels.bootstrapLoss(online.detach().contiguous(), null, targets.contiguous(), null, 1f, grad);
        }
        Tensor s = online.mul(grad).sum();
        return s.sub(s.detach()).add(new Scalar((double) value));
    };
}
