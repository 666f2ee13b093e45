package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.graph.NormalizedAdjacency;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * LATTICE (Zhang et al., ACM MM 2021) as MMRec's {@code LATTICE} with {@code cf_model: lightgcn}:
 * <ul>
 *   <li>user-item graph: row-normalised {@code D^-1 (A + I)}, {@code n_layers} LightGCN layers
 *       (MMRec's {@code weight_size} length, 2), layer mean;</li>
 *   <li>per modality an "original" graph: the dense kNN ({@code knn_k}, cosine, weighted by the
 *       similarity) graph of the raw features, normalised {@code D^-1/2 S D^-1/2}, built once;</li>
 *   <li>at the first step of each epoch a "learned" graph is built WITH gradient from the projected
 *       (trainable) features the same way, modalities mixed by {@code softmax(modal_weight)}:
 *       {@code S = (1 - lambda_coeff) norm(sum_m w_m kNN(f_m(F_m))) + lambda_coeff sum_m w_m S_m};
 *       the other steps of the epoch use it detached (so the projections, raw features and modality
 *       weights learn only in that first step, as in MMRec);</li>
 *   <li>items {@code H_I + normalize(S^{n_mm_layers} E_I)}; scoring rebuilds S from the current
 *       parameters (MMRec's full_sort_predict does);</li>
 *   <li>{@code L = BPR + reg_weight (|u|^2 + |i+|^2 + |i-|^2) / (2 train_batch_size)};</li>
 *   <li>LR {@code lr * 0.96^((epoch-1)/50)} through {@code lr_decay}/{@code lr_decay_step}.</li>
 * </ul>
 * The I x I graphs are dense float32 tensors: memory and time grow with the square of the
 * catalogue, which is LATTICE's known cost.
 */
final class LatticeModel extends NegativeSamplingModel {
    private final Tensor uiAdj;
    private final List<Tensor> originalGraphs = new ArrayList<>();
    private Tensor itemGraph;
    private boolean rebuild = true;

    private final Tensor userEmb;
    private final Tensor itemEmb;
    private final List<Tensor> features = new ArrayList<>();
    private final List<Tensor> projWeights = new ArrayList<>();
    private final List<Tensor> projBiases = new ArrayList<>();
    private final Tensor modalWeight;

    LatticeModel(Dataset data, TrainConfig config, Device device) {
        super(data, config, device);
        requireModalities(data, "lattice");
        if (config.knnK() > nItems) {
            throw new InvalidInputException("config key 'knn_k': got " + config.knnK() + ", expected at most n_items = " + nItems);
        }
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            uiAdj = buffer(rowNormalisedWithSelfLoops(NormalizedAdjacency.of(data)));
            for (FeatureMatrix f : data.modalities().values()) {
                originalGraphs.add(buffer(normalizedLaplacian(knn(similarity(features(f))))));
            }
            userEmb = param("user_embedding", xavierUniform(nUsers, d));
            itemEmb = param("item_embedding", xavierUniform(nItems, d));
            for (FeatureMatrix f : data.modalities().values()) {
                features.add(param(f.name() + ".features", features(f)));
                projWeights.add(param(f.name() + ".projection.weight", linearDefaultWeight(d, f.cols())));
                projBiases.add(param(f.name() + ".projection.bias", linearDefaultBias(d, f.cols())));
            }
            // MMRec starts from [0.5, 0.5]; any equal values give equal softmax weights
            modalWeight = param("modal_weight", zeros(features.size()).add(new Scalar(0.5)));
        }
        ready();
    }

    /** {@code D^-1 (A + I)} over the U + I nodes, from the training graph's structure. */
    private Tensor rowNormalisedWithSelfLoops(NormalizedAdjacency graph) {
        int n = graph.nNodes();
        int nnz = graph.nnz() + n;
        long[] rows = new long[nnz];
        long[] cols = new long[nnz];
        float[] vals = new float[nnz];
        int at = 0;
        for (int r = 0; r < n; r++) {
            int from = graph.rowPtr()[r];
            int to = graph.rowPtr()[r + 1];
            float v = (float) (1.0 / (to - from + 1));
            rows[at] = r;
            cols[at] = r;
            vals[at++] = v;
            for (int k = from; k < to; k++) {
                rows[at] = r;
                cols[at] = graph.colIdx()[k];
                vals[at++] = v;
            }
        }
        return sparse(rows, cols, vals, n, n);
    }

    /** MMRec's build_sim: cosine similarities of all rows (dense I x I). */
    private static Tensor similarity(Tensor x) {
        Tensor n = torch.normalize(x);
        return n.mm(n.t());
    }

    /** MMRec's build_knn_neighbourhood: each row keeps its top-k values, zeros elsewhere. */
    private Tensor knn(Tensor sim) {
        T_TensorTensor_T top = sim.topk(config.knnK(), 1, true, true);
        return torch.zeros_like(sim).scatter(1, top.get1(), top.get0());
    }

    /** MMRec's compute_normalized_laplacian: {@code D^-1/2 S D^-1/2}, zero where a row sums to 0. */
    private static Tensor normalizedLaplacian(Tensor adj) {
        Tensor d = adj.sum(new long[] {1}, false, null).pow(new Scalar(-0.5));
        d = d.masked_fill(d.isinf(), new Scalar(0.0));
        return adj.mul(d.unsqueeze(1)).mul(d.unsqueeze(0));
    }

    /** The mixed item-item graph from the current parameters (with gradient unless under no-grad). */
    private Tensor buildItemGraph() {
        Tensor w = modalWeight.softmax(0);
        Tensor learned = null;
        Tensor original = null;
        for (int m = 0; m < features.size(); m++) {
            Tensor z = torch.linear(features.get(m), projWeights.get(m), new TensorOptional(projBiases.get(m)));
            Tensor wm = w.select(0, m);
            Tensor l = knn(similarity(z)).mul(wm);
            Tensor o = originalGraphs.get(m).mul(wm);
            learned = learned == null ? l : learned.add(l);
            original = original == null ? o : original.add(o);
        }
        double lambda = config.lambdaCoeff();
        return normalizedLaplacian(learned).mul(new Scalar(1 - lambda)).add(original, new Scalar(lambda));
    }

    private void keepGraph(Tensor graph) {
        release(itemGraph);
        itemGraph = buffer(graph.detach());
    }

    private Tensor[] encode(Tensor graph) {
        Tensor h = itemEmb;
        for (int l = 0; l < config.nMmLayers(); l++) {
            h = graph.mm(h);
        }
        Tensor all = meanPropagate(uiAdj, torch.cat(new TensorVector(userEmb, itemEmb), 0), config.nLayers());
        return new Tensor[] {all.narrow(0, 0, nUsers), all.narrow(0, nUsers, nItems).add(torch.normalize(h))};
    }

    @Override
    protected void epochStarted(int epoch) {
        rebuild = true;
    }

    @Override
    protected Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows) {
        Tensor graph;
        if (rebuild || itemGraph == null) {
            graph = buildItemGraph();
            keepGraph(graph);
            rebuild = false;
        } else {
            graph = itemGraph;
        }
        Tensor[] h = encode(graph);
        Tensor u = h[0].index_select(0, users);
        Tensor p = h[1].index_select(0, pos);
        Tensor n = h[1].index_select(0, neg);
        Tensor loss = bpr(dot(u, p), dot(u, n));
        if (config.regWeight() > 0) {
            Tensor squares = u.pow(new Scalar(2)).sum().add(p.pow(new Scalar(2)).sum()).add(n.pow(new Scalar(2)).sum());
            loss = loss.add(squares, new Scalar(config.regWeight() / (2.0 * config.trainBatchSize())));
        }
        return loss;
    }

    @Override
    protected Tensor[] scoringEmbeddings() {
        Tensor graph = buildItemGraph();
        keepGraph(graph);
        return encode(graph);
    }
}
