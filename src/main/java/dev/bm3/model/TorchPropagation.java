package dev.bm3.model;

import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Propagation through LibTorch's sparse COO {@code mm}, differentiated by autograd (the reference's path). */
public final class TorchPropagation implements Propagation {
    private final Tensor adjacency;

    public TorchPropagation(NormalizedAdjacency graph, torch.ScalarType dtype, Device device) {
        int nnz = graph.nnz();
        try (PointerScope scope = new PointerScope()) {
            Tensor idx = Tensors.fromLongs(graph.cooIndices(), device).reshape(2, nnz);
            Tensor v = Tensors.fromFloats(graph.values(), 1, nnz, dtype, device).reshape(nnz);
            adjacency = Tensors.keep(torch.sparse_coo_tensor(idx, v, graph.nNodes(), graph.nNodes()).coalesce());
        }
    }

    @Override
    public Tensor encode(Tensor userEmb, Tensor itemEmb, int layers) {
        Tensor x0 = torch.cat(new TensorVector(userEmb, itemEmb), 0);
        Tensor sum = x0;
        Tensor x = x0;
        for (int l = 0; l < layers; l++) {
            x = torch.mm(adjacency, x);
            sum = sum.add(x);
        }
        return layers == 0 ? x0 : sum.div(new Scalar((double) (layers + 1)));
    }

    @Override
    public String name() {
        return "torch";
    }

    @Override
    public void close() {
        adjacency.close();
    }
}
