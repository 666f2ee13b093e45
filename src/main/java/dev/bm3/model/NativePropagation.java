package dev.bm3.model;

import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.kernels.CsrMatrix;
import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Propagation through the native CSR kernel, outside autograd. The layer mean is linear in X0 and
 * Â is symmetric, so its backward is the same operator: after {@code loss.backward()} the
 * gradient reaching H is pushed through {@code lightGcnMean} once and added to the embeddings'
 * gradients. CPU, float32 only.
 */
public final class NativePropagation implements Propagation {
    private final CsrMatrix adjacency;
    private final int nUsers;
    private final Tensor scratchA;
    private final Tensor scratchB;
    private Tensor lastH;

    public NativePropagation(NormalizedAdjacency graph, int embeddingSize) {
        if (!Kernels.available()) {
            throw new IllegalStateException("native kernels unavailable: " + Kernels.unavailableReason());
        }
        this.adjacency = CsrMatrix.copyOf(graph.nNodes(), graph.nNodes(), graph.rowPtr(), graph.colIdx(), graph.values());
        this.nUsers = graph.nUsers();
        try (PointerScope scope = new PointerScope()) {
            scratchA = Tensors.keep(buffer(graph.nNodes(), embeddingSize));
            scratchB = Tensors.keep(buffer(graph.nNodes(), embeddingSize));
        }
    }

    private static Tensor buffer(long rows, long cols) {
        return torch.empty(new long[] {rows, cols}, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
    }

    @Override
    public Tensor encode(Tensor userEmb, Tensor itemEmb, int layers) {
        boolean training = GradMode.is_enabled();
        Tensor h;
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x0 = torch.cat(new TensorVector(userEmb, itemEmb), 0);
            h = buffer(x0.size(0), x0.size(1));
            Kernels.lightGcnMean(adjacency, x0, layers, h, scratchA, scratchB);
        }
        if (training) {
            h.requires_grad_(true); // a leaf: its gradient is read back in finishBackward
            lastH = h;
        }
        return h;
    }

    @Override
    public void finishBackward(Tensor userEmb, Tensor itemEmb, int layers) {
        Tensor h = lastH;
        lastH = null;
        if (h == null) {
            throw new IllegalStateException("finishBackward without a training encode");
        }
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor upstream = h.grad();
            if (!upstream.defined()) {
                return; // the loss did not depend on H
            }
            Tensor grad = buffer(h.size(0), h.size(1));
            Kernels.lightGcnMean(adjacency, upstream.contiguous(), layers, grad, scratchA, scratchB);
            accumulate(userEmb, grad.narrow(0, 0, nUsers));
            accumulate(itemEmb, grad.narrow(0, nUsers, h.size(0) - nUsers));
        }
    }

    /**
     * Adds g to p's gradient; an undefined gradient (after zero_grad) is replaced by a copy (a
     * view of the shared buffer would make the next zero_grad fail).
     */
    private static void accumulate(Tensor p, Tensor g) {
        if (p.grad().defined()) {
            p.grad().add_(g);
        } else {
            p.mutable_grad().put(g.clone());
        }
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public void close() {
        lastH = null;
        scratchB.close();
        scratchA.close();
        adjacency.close();
    }
}
