package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.torch.Tensors;
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
 * FREEDOM (Zhou and Shen, ACM MM 2023) as MMRec's {@code FREEDOM}:
 * <ul>
 *   <li>a FROZEN item-item graph built once from the raw features: per modality the binary kNN
 *       ({@code knn_k}, cosine, the item itself included) graph normalised
 *       {@code D^-1/2 A D^-1/2} by row sums, mixed with fixed modality weights (below);</li>
 *   <li>degree-sensitive edge dropout on the user-item graph at each epoch start: keep
 *       {@code (1 - dropout) |E|} edges drawn without replacement with probability proportional
 *       to {@code 1/sqrt(d_u d_i)}, renormalise the kept graph;</li>
 *   <li>{@code H = LightGCN(masked graph, n_layers)}; items {@code H_I + S^{n_mm_layers} E_I};
 *       scoring uses the full graph;</li>
 *   <li>{@code L = BPR(H_U, H_I) + reg_weight sum_m BPR(H_U, f_m(F_m))} with trainable raw
 *       features and projections f_m (nn.Linear default init).</li>
 * </ul>
 *
 * <p>Modality weights ({@link #modalityWeights}): MMRec has two slots, image weight
 * {@code mm_image_weight} and text {@code 1 - mm_image_weight}. Here the modality named
 * {@code text} takes the text slot (if none is named so, the first modality not named
 * {@code image}); the others share {@code mm_image_weight} equally; a single modality gets 1.
 * So (image, text) is MMRec's setting, and (text, audio) on Last.fm gives audio the image slot,
 * as the reference runs did.
 */
final class FreedomModel extends NegativeSamplingModel {
    private static final double DEGREE_EPSILON = 1e-7;
    /** Rows of the catalogue-wide similarity computed at once when building the kNN graph. */
    private static final int KNN_BLOCK = 1024;

    private final Tensor fullAdj;
    private final Tensor itemGraph;
    private final int[] edgeUsers;
    private final int[] edgeItems;
    private final Tensor edgeWeights;
    private Tensor maskedAdj;

    private final Tensor userEmb;
    private final Tensor itemEmb;
    private final List<Tensor> features = new ArrayList<>();
    private final List<Tensor> projWeights = new ArrayList<>();
    private final List<Tensor> projBiases = new ArrayList<>();

    FreedomModel(Dataset data, TrainConfig config, Device device) {
        super(data, config, device);
        requireModalities(data, "freedom");
        if (config.knnK() > nItems) {
            throw new InvalidInputException("config key 'knn_k': got " + config.knnK() + ", expected at most n_items = " + nItems);
        }
        NormalizedAdjacency graph = NormalizedAdjacency.of(data);
        int pairs = graph.nnz() / 2;
        edgeUsers = new int[pairs];
        edgeItems = new int[pairs];
        float[] edgeValues = new float[pairs];
        // The user rows of the symmetric graph are exactly the distinct pairs with 1/sqrt(d_u d_i).
        for (int u = 0, e = 0; u < nUsers; u++) {
            for (int k = graph.rowPtr()[u]; k < graph.rowPtr()[u + 1]; k++, e++) {
                edgeUsers[e] = u;
                edgeItems[e] = graph.colIdx()[k] - nUsers;
                edgeValues[e] = graph.values()[k];
            }
        }
        List<String> names = new ArrayList<>(data.modalities().keySet());
        double[] weights = modalityWeights(names, config.mmImageWeight());
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            fullAdj = buffer(symmetric(edgeUsers, edgeItems, edgeValues, pairs));
            edgeWeights = buffer(Tensors.fromFloats(edgeValues, 1, pairs, dtype, device).reshape(pairs));
            itemGraph = buffer(knnGraph(data, weights));
            userEmb = param("user_embedding", xavierUniform(nUsers, d));
            itemEmb = param("item_embedding", xavierUniform(nItems, d));
            for (FeatureMatrix f : data.modalities().values()) {
                features.add(param(f.name() + ".features", features(f)));
                projWeights.add(param(f.name() + ".projection.weight", linearDefaultWeight(d, f.cols())));
                projBiases.add(param(f.name() + ".projection.bias", linearDefaultBias(d, f.cols())));
            }
        }
        ready();
    }

    /** The fixed weight of each modality in the item-item graph (see the class comment). */
    static double[] modalityWeights(List<String> names, double imageWeight) {
        int m = names.size();
        double[] w = new double[m];
        if (m == 1) {
            w[0] = 1.0;
            return w;
        }
        int text = names.indexOf("text");
        if (text < 0) {
            for (int k = 0; k < m && text < 0; k++) {
                if (!names.get(k).equals("image")) {
                    text = k;
                }
            }
        }
        for (int k = 0; k < m; k++) {
            w[k] = k == text ? 1.0 - imageWeight : imageWeight / (m - 1);
        }
        return w;
    }

    /** The sum over modalities of weight_m * normalised binary kNN graph of F_m (sparse I x I). */
    private Tensor knnGraph(Dataset data, double[] weights) {
        int k = config.knnK();
        int m = 0;
        int nnz = nItems * k;
        long[] rows = new long[nnz * weights.length];
        long[] cols = new long[nnz * weights.length];
        float[] vals = new float[nnz * weights.length];
        // Every row of a kNN graph has k entries, so the row-sum normalisation gives 1/k per entry;
        // written out as MMRec computes it (1/sqrt(rowsum_i) * 1/sqrt(rowsum_j)).
        double inv = 1.0 / Math.sqrt(k + DEGREE_EPSILON);
        float value = (float) (inv * inv);
        for (FeatureMatrix f : data.modalities().values()) {
            try (PointerScope scope = new PointerScope()) {
                Tensor x = torch.normalize(features(f));
                Tensor xt = x.t();
                int at = m * nnz;
                for (int from = 0; from < nItems; from += KNN_BLOCK) {
                    int len = Math.min(KNN_BLOCK, nItems - from);
                    long[] nb = toLongs(x.narrow(0, from, len).mm(xt).topk(k, 1, true, true).get1());
                    for (int r = 0; r < len; r++) {
                        for (int j = 0; j < k; j++) {
                            rows[at] = from + r;
                            cols[at] = nb[r * k + j];
                            vals[at] = (float) (weights[m] * value);
                            at++;
                        }
                    }
                }
            }
            m++;
        }
        return sparse(rows, cols, vals, nItems, nItems);
    }

    /** The symmetric (U+I) x (U+I) adjacency with the given user-item edge values. */
    private Tensor symmetric(int[] users, int[] items, float[] values, int n) {
        long[] rows = new long[2 * n];
        long[] cols = new long[2 * n];
        float[] vals = new float[2 * n];
        for (int e = 0; e < n; e++) {
            rows[e] = users[e];
            cols[e] = nUsers + items[e];
            rows[n + e] = nUsers + items[e];
            cols[n + e] = users[e];
            vals[e] = values[e];
            vals[n + e] = values[e];
        }
        long size = (long) nUsers + nItems;
        return sparse(rows, cols, vals, size, size);
    }

    /** Degree-sensitive edge dropout (MMRec's pre_epoch_processing), from LibTorch's generator. */
    @Override
    protected void epochStarted(int epoch) {
        release(maskedAdj);
        maskedAdj = null;
        if (config.dropout() <= 0) {
            return;
        }
        int keep = (int) (edgeUsers.length * (1.0 - config.dropout()));
        if (keep <= 0) {
            throw new InvalidInputException("config key 'dropout': " + config.dropout() + " keeps no edge of "
                    + edgeUsers.length);
        }
        long[] kept = toLongs(torch.multinomial(edgeWeights, keep, false, null));
        int[] du = new int[nUsers];
        int[] di = new int[nItems];
        int[] ku = new int[keep];
        int[] ki = new int[keep];
        for (int e = 0; e < keep; e++) {
            ku[e] = edgeUsers[(int) kept[e]];
            ki[e] = edgeItems[(int) kept[e]];
            du[ku[e]]++;
            di[ki[e]]++;
        }
        float[] values = new float[keep];
        for (int e = 0; e < keep; e++) {
            values[e] = (float) (1.0 / Math.sqrt(du[ku[e]] + DEGREE_EPSILON) / Math.sqrt(di[ki[e]] + DEGREE_EPSILON));
        }
        maskedAdj = buffer(symmetric(ku, ki, values, keep));
    }

    private Tensor[] encode(Tensor adj) {
        Tensor h = itemEmb;
        for (int l = 0; l < config.nMmLayers(); l++) {
            h = torch.mm(itemGraph, h);
        }
        Tensor all = meanPropagate(adj, torch.cat(new TensorVector(userEmb, itemEmb), 0), config.nLayers());
        return new Tensor[] {all.narrow(0, 0, nUsers), all.narrow(0, nUsers, nItems).add(h)};
    }

    @Override
    protected Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows) {
        if (maskedAdj == null && config.dropout() > 0) {
            epochStarted(0); // trained without the trainer's epoch hook (tests): draw one mask now
        }
        Tensor[] h = encode(maskedAdj == null ? fullAdj : maskedAdj);
        Tensor u = h[0].index_select(0, users);
        Tensor loss = bpr(dot(u, h[1].index_select(0, pos)), dot(u, h[1].index_select(0, neg)));
        if (config.regWeight() > 0) {
            // reg_weight 0 (the published setting) gives these terms no gradient: skip them
            for (int m = 0; m < features.size(); m++) {
                Tensor zp = torch.linear(features.get(m).index_select(0, pos), projWeights.get(m), new TensorOptional(projBiases.get(m)));
                Tensor zn = torch.linear(features.get(m).index_select(0, neg), projWeights.get(m), new TensorOptional(projBiases.get(m)));
                loss = loss.add(bpr(dot(u, zp), dot(u, zn)), new Scalar(config.regWeight()));
            }
        }
        return loss;
    }

    @Override
    protected Tensor[] scoringEmbeddings() {
        return encode(fullAdj);
    }
}
