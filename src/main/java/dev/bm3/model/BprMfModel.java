package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * BPR-MF (Rendle et al., UAI 2009) as MMRec's {@code BPR}: user and item ID embeddings (Xavier
 * normal), score = dot product,
 * {@code L = -mean log sigmoid(s(u,i+) - s(u,i-)) + reg_weight (||e_u|| + ||e_i+|| + ||e_i-||) / B}
 * (MMRec's EmbLoss: unsquared Frobenius norms of the batch rows).
 */
final class BprMfModel extends NegativeSamplingModel {
    private final Tensor userEmb;
    private final Tensor itemEmb;

    BprMfModel(Dataset data, TrainConfig config, Device device) {
        super(data, config, device);
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            userEmb = param("user_embedding", xavierNormal(nUsers, d));
            itemEmb = param("item_embedding", xavierNormal(nItems, d));
        }
        ready();
    }

    @Override
    protected Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows) {
        Tensor u = userEmb.index_select(0, users);
        Tensor p = itemEmb.index_select(0, pos);
        Tensor n = itemEmb.index_select(0, neg);
        return bpr(dot(u, p), dot(u, n)).add(embLoss(u, p, n), new Scalar(config.regWeight()));
    }

    @Override
    protected Tensor[] scoringEmbeddings() {
        return new Tensor[] {userEmb, itemEmb};
    }
}
