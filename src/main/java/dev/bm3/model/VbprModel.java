package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * VBPR (He and McAuley, AAAI 2016) as MMRec's {@code VBPR}: item = {@code [E_I ; W F + b]} where F
 * concatenates every modality's FROZEN features in declaration order (MMRec: text then image),
 * W: Linear(sum dims -> d) with Xavier-normal weight and zero bias; user = a 2d embedding; the ID
 * embeddings are Xavier uniform. {@code L = BPR + reg_weight (||u|| + ||i+|| + ||i-||) / B} on the
 * full 2d rows. The projection is applied to the gathered rows only (it is row-wise, so values and
 * gradients equal MMRec's projection of the whole catalogue followed by a gather).
 */
final class VbprModel extends NegativeSamplingModel {
    private final Tensor rawFeatures;
    private final Tensor userEmb;
    private final Tensor itemEmb;
    private final Tensor weight;
    private final Tensor bias;

    VbprModel(Dataset data, TrainConfig config, Device device) {
        super(data, config, device);
        requireModalities(data, "vbpr");
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            List<Tensor> parts = new ArrayList<>();
            for (FeatureMatrix f : data.modalities().values()) {
                parts.add(features(f));
            }
            rawFeatures = buffer(parts.size() == 1 ? parts.get(0) : torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 1));
            userEmb = param("user_embedding", xavierUniform(nUsers, 2L * d));
            itemEmb = param("item_embedding", xavierUniform(nItems, d));
            weight = param("item_linear.weight", xavierNormal(d, rawFeatures.size(1)));
            bias = param("item_linear.bias", zeros(d));
        }
        ready();
    }

    private Tensor items(Tensor ids) {
        Tensor visual = torch.linear(rawFeatures.index_select(0, ids), weight, new TensorOptional(bias));
        return torch.cat(new TensorVector(itemEmb.index_select(0, ids), visual), 1);
    }

    @Override
    protected Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows) {
        Tensor u = userEmb.index_select(0, users);
        Tensor p = items(pos);
        Tensor n = items(neg);
        return bpr(dot(u, p), dot(u, n)).add(embLoss(u, p, n), new Scalar(config.regWeight()));
    }

    @Override
    protected Tensor[] scoringEmbeddings() {
        Tensor visual = torch.linear(rawFeatures, weight, new TensorOptional(bias));
        return new Tensor[] {userEmb, torch.cat(new TensorVector(itemEmb, visual), 1)};
    }
}
