package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.graph.NormalizedAdjacency;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * LightGCN (He et al., SIGIR 2020) as MMRec's {@code LightGCN}: the BM3 encoder of SPEC section 3
 * without the item residual ({@code H = mean(X_0..X_L)}, {@code X_l = Â X_{l-1}}, Xavier-uniform
 * ID embeddings), score = {@code H_U[u] . H_I[i]}, and
 * {@code L = BPR + reg_weight (||E_U[u]|| + ||E_I[i+]|| + ||E_I[i-]||) / B} on the batch's
 * layer-0 embeddings.
 */
final class LightGcnModel extends NegativeSamplingModel {
    private final TorchPropagation propagation;
    private final Tensor userEmb;
    private final Tensor itemEmb;

    LightGcnModel(Dataset data, TrainConfig config, Device device) {
        super(data, config, device);
        propagation = new TorchPropagation(NormalizedAdjacency.of(data), dtype, device);
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            userEmb = param("user_embedding", xavierUniform(nUsers, d));
            itemEmb = param("item_embedding", xavierUniform(nItems, d));
        }
        ready();
    }

    private Tensor[] encode() {
        Tensor h = propagation.encode(userEmb, itemEmb, config.nLayers());
        return new Tensor[] {h.narrow(0, 0, nUsers), h.narrow(0, nUsers, nItems)};
    }

    @Override
    protected Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows) {
        Tensor[] h = encode();
        Tensor u = h[0].index_select(0, users);
        Tensor p = h[1].index_select(0, pos);
        Tensor n = h[1].index_select(0, neg);
        Tensor reg = embLoss(userEmb.index_select(0, users), itemEmb.index_select(0, pos), itemEmb.index_select(0, neg));
        return bpr(dot(u, p), dot(u, n)).add(reg, new Scalar(config.regWeight()));
    }

    @Override
    protected Tensor[] scoringEmbeddings() {
        return encode();
    }

    @Override
    public void close() {
        super.close();
        propagation.close();
    }
}
