package dev.bm3.model;

import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Propagation through LibTorch's sparse COO {@code mm}, differentiated by autograd (the reference's path). */
public final class TorchPropagation implements Propagation {
    private final Tensor adjacency;

    public TorchPropagation(NormalizedAdjacency graph, torch.ScalarType dtype, Device device) {
        int n = graph.nNodes();
        int[] rowPtr = graph.rowPtr();
        int[] cols = graph.colIdx();
        float[] vals = graph.values();
        long[] indices = new long[2 * vals.length];
        for (int r = 0; r < n; r++) {
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
                indices[k] = r;
                indices[vals.length + k] = cols[k];
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor idx = Tensors.fromLongs(indices, device).reshape(2, vals.length);
            Tensor v = Tensors.fromFloats(vals, 1, vals.length, dtype, device).reshape(vals.length);
            adjacency = Tensors.keep(torch.sparse_coo_tensor(idx, v, n, n).coalesce());
        }
    }

    @Override
    public Tensor meanOverLayers(Tensor x0, int layers) {
        Tensor sum = x0;
        Tensor x = x0;
        for (int l = 0; l < layers; l++) {
            x = torch.mm(adjacency, x);
            sum = sum.add(x);
        }
        return layers == 0 ? x0 : sum.div(new Scalar((double) (layers + 1)));
    }

    @Override
    public void close() {
        adjacency.close();
    }
}
