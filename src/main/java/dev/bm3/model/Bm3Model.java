package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.eval.Scorer;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * BM3 exactly as SPEC sections 3-4 state: LightGCN-style mean over layers 0..L with the item ID
 * residual, trainable raw feature tables, one projection per modality, ONE predictor shared by
 * users, items and modalities, dropout targets drawn under no-grad on the full matrices (one draw
 * per step), and the loss {@code L_rec + reg_weight L_reg + cl_weight (L_align + L_mask)},
 * optimised by Adam over every parameter (the feature tables included).
 *
 * <p>Online rows are gathered before the predictor rather than after: the predictor is row-wise,
 * so values and gradients are the same as the reference's predictor-then-gather, without the
 * catalogue-sized product.
 *
 * <p>{@code train_mode=fast} removes the remaining catalogue-sized work from a step: only the
 * batch's unique items' raw feature rows are gathered and projected (into kept buffers, with
 * their gradient dZ W computed by hand, so no catalogue-sized feature gradient exists), the
 * native dropout targets are keyed by item id (the same masks as exact mode's full draw), and
 * the feature tables take a row-sparse Adam step ({@link RowSparseAdam}) on those rows only, each
 * row first catching up on the zero-gradient steps dense Adam took while no batch read it. For
 * the same parameters the loss and every gradient are exact mode's, and the rows a step reads
 * hold dense Adam's values (up to the catch-up's treatment of eps), so both modes train the same
 * model.
 *
 * <p>With native kernels (both modes) the ID side runs through {@link NativePropagation#encodeRows}:
 * one kernel call per direction over the embeddings, only the batch's rows of H in autograd, the
 * regulariser's gradient added by hand.
 */
public final class Bm3Model implements Model {
    private final TrainConfig config;
    private final int nUsers;
    private final int nItems;
    private final Device device;
    private final torch.ScalarType dtype;
    private final KernelSet kernels;
    private final Propagation propagation;

    // Parameters, each with one owner (this model); order is the checkpoint and optimizer order.
    private final Tensor userEmb;
    private final Tensor itemEmb;
    private final List<String> modalityNames = new ArrayList<>();
    private final List<Tensor> features = new ArrayList<>();
    private final List<Tensor> projWeights = new ArrayList<>();
    private final List<Tensor> projBiases = new ArrayList<>();
    private final Tensor predWeight;
    private final Tensor predBias;
    private final List<Tensor> parameters = new ArrayList<>();
    private final ParameterOptimizer optimizer;
    /** Fast mode only (else null): row-sparse Adam (with catch-up) of the feature tables. */
    private final RowSparseAdam featureOptimizer;
    /**
     * Fast mode, set by each loss: the batch's unique items (int64, increasing), each modality's
     * gathered feature rows and their latents z_m (whose gradient autograd keeps), and after the
     * backward the rows' gradients. Borrowed from the step's scope (rows and gradients are views
     * of {@link #rowBuffers}): valid until the next step.
     */
    private Tensor stepRows;
    private final List<Tensor> stepFeatureRows = new ArrayList<>();
    private final List<Tensor> stepLatents = new ArrayList<>();
    private final List<Tensor> stepRowGradients = new ArrayList<>();
    /**
     * Fast mode: per modality, [gathered rows; their gradients], kept across steps and grown on
     * demand. A batch's rows of a 4096-d table are tens of MB; fresh tensors that size come from
     * mmap every step (glibc never recycles blocks over 32 MB), and their page faults cost more
     * than the copy into them.
     */
    private final List<Tensor> rowBuffers = new ArrayList<>();

    private StepPhases phases;
    private Tensor scoreUsers;
    private Tensor scoreItems;

    /**
     * Builds the model on {@code device}. Initialisation draws from LibTorch's default generator,
     * so seed it first ({@link dev.bm3.torch.TorchRuntime#seed}).
     *
     * @param kernels the step's implementations (LibTorch composites or native kernels)
     * @param dtype   Float for training; Double for gradient checks (LibTorch kernels only)
     */
    public Bm3Model(Dataset data, TrainConfig config, KernelSet kernels, Device device, torch.ScalarType dtype) {
        if (data.modalities().isEmpty()) {
            throw new InvalidInputException("BM3 needs at least one modality (item features); dataset '"
                    + data.name() + "' has none");
        }
        this.config = config;
        this.nUsers = data.nUsers();
        this.nItems = data.nItems();
        this.device = device;
        this.dtype = dtype;
        this.kernels = kernels;
        this.propagation = kernels.propagation();
        int d = config.embeddingSize();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            userEmb = param(xavierUniform(nUsers, d));
            itemEmb = param(xavierUniform(nItems, d));
            for (FeatureMatrix f : data.modalities().values()) {
                modalityNames.add(f.name());
                Tensor table = param(Tensors.fromFloats(f.data(), f.rows(), f.cols(), dtype, device));
                if (fast()) {
                    table.requires_grad_(false); // trained through each step's gathered rows
                }
                features.add(table);
                projWeights.add(param(xavierNormal(d, f.cols())));
                projBiases.add(param(defaultBias(d, f.cols())));
            }
            predWeight = param(xavierNormal(d, d));
            predBias = param(defaultBias(d, d));
        }
        List<Tensor> dense = new ArrayList<>(parameters);
        if (fast()) {
            dense.removeAll(features);
            featureOptimizer = kernels.fusedAdam()
                    ? new RowSparseAdam.Native(features, config.learningRate())
                    : new RowSparseAdam.Torch(features, config.learningRate());
        } else {
            featureOptimizer = null;
        }
        optimizer = kernels.fusedAdam()
                ? new ParameterOptimizer.Fused(dense, config.learningRate())
                : new ParameterOptimizer.Torch(dense, config.learningRate());
    }

    private boolean fast() {
        return config.trainMode().equals("fast");
    }

    private Tensor param(Tensor t) {
        Tensor p = Tensors.keep(t);
        p.requires_grad_(true);
        parameters.add(p);
        return p;
    }

    /** nn.init.xavier_uniform_ on a (rows x cols) weight: fan_in = cols, fan_out = rows. */
    private Tensor xavierUniform(long rows, long cols) {
        double a = Math.sqrt(6.0 / (rows + cols));
        return torch.empty(new long[] {rows, cols}, Tensors.options(dtype, device), null).uniform_(-a, a, null);
    }

    /** nn.init.xavier_normal_ on a Linear weight (out x in). */
    private Tensor xavierNormal(long out, long in) {
        double std = Math.sqrt(2.0 / (out + in));
        return torch.empty(new long[] {out, in}, Tensors.options(dtype, device), null).normal_(0, std, null);
    }

    /** PyTorch's default Linear bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    private Tensor defaultBias(long out, long in) {
        double b = 1.0 / Math.sqrt(in);
        return torch.empty(new long[] {out}, Tensors.options(dtype, device), null).uniform_(-b, b, null);
    }

    @Override
    public boolean trainable() {
        return true;
    }

    /** The encoder output: H_U and H_I (with the item ID residual), attached to the current scope. */
    Tensor[] encode() {
        if (propagation instanceof NativePropagation n) {
            // outside autograd (training reads H through idRows), the training step's arithmetic
            return n.encodeResidual(userEmb, itemEmb, config.nLayers());
        }
        Tensor h = propagation.encode(userEmb, itemEmb, config.nLayers());
        Tensor hu = h.narrow(0, 0, nUsers);
        Tensor hi = h.narrow(0, nUsers, nItems).add(itemEmb);
        return new Tensor[] {hu, hi};
    }

    /**
     * The ID side of one batch: H's rows for the batch (online, differentiable), where the dropout
     * targets gather from, and the regulariser.
     *
     * @param hu        the targets' source for users: all of H_U, or only the batch's rows
     * @param hi        the same for items
     * @param userRows  null, or the user id of each row of {@code hu} (int64)
     * @param itemRows  null, or the item id of each row of {@code hi}
     * @param userIndex the batch's rows in {@code hu}
     * @param itemIndex the batch's rows in {@code hi}
     * @param reg       (||H_U|| + ||H_I||) / n_items, differentiable; null on the native path,
     *                  whose gradient {@link #computeGradients} adds by hand
     * @param regValue  its value
     */
    private record IdRows(Tensor online0, Tensor online1, Tensor hu, Tensor hi, Tensor userRows, Tensor itemRows,
                          Tensor userIndex, Tensor itemIndex, Tensor reg, double regValue) {
    }

    /**
     * Native kernels under autograd: one native encoder call, only the batch's rows in autograd
     * ({@link NativePropagation#encodeRows}), so no (users + items)-sized autograd work. Otherwise
     * the composite: all of H under autograd, gathered by {@code index_select}.
     */
    private IdRows idRows(Tensor u, Tensor i) {
        if (propagation instanceof NativePropagation n && GradMode.is_enabled()) {
            NativePropagation.EncodedRows e = n.encodeRows(userEmb, itemEmb, config.nLayers(), u, i);
            Tensor batchRows = torch.arange(new Scalar(u.size(0)), new TensorOptions(torch.ScalarType.Long));
            return new IdRows(e.userRows(), e.itemRows(), e.userRows(), e.itemRows(), u, i, batchRows, batchRows, null,
                    (e.userNorm() + e.itemNorm()) / nItems);
        }
        Tensor[] h = encode();
        Tensor reg = h[0].norm().add(h[1].norm()).div(new Scalar((double) nItems));
        return new IdRows(h[0].index_select(0, u), h[1].index_select(0, i), h[0], h[1], null, null, u, i, reg,
                reg.item_double());
    }

    private Tensor predictor(Tensor x) {
        return torch.linear(x, predWeight, new TensorOptional(predBias));
    }

    /**
     * The loss of SPEC section 4 for one batch, with its terms, built in the caller's scope.
     * Dropout targets come from LibTorch's default generator (one draw per matrix per call).
     */
    public LossTerms loss(int[] users, int[] items) {
        return loss(users, items, null);
    }

    /** Fresh dropout targets from the current parameters (no gradient), in the caller's scope. */
    Targets drawTargets() {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor[] h = encode();
            return kernels.targets().draw(h[0], h[1], null, null, latents(), null, config.dropout());
        }
    }

    private List<Tensor> latents() {
        List<Tensor> latents = new ArrayList<>();
        for (int m = 0; m < features.size(); m++) {
            latents.add(torch.linear(features.get(m), projWeights.get(m), new TensorOptional(projBiases.get(m))));
        }
        return latents;
    }

    /**
     * The loss against given targets ({@code fixed}), or against a fresh draw when null. Targets
     * are constants to autograd (BM3's stop-gradient), which is what a gradient check must hold
     * fixed too.
     */
    LossTerms loss(int[] users, int[] items, Targets fixed) {
        Tensor u = Tensors.fromInts(users, device);
        Tensor i = Tensors.fromInts(items, device);
        IdRows id = idRows(u, i);
        lap(StepPhases.Phase.PROPAGATION);
        List<Tensor> latents;
        Tensor latentRows = null;   // fast mode: the item id of each latent row
        Tensor latentIndex = i;     // each batch row's row in the latents
        if (fast()) {
            int[][] unique = uniqueWithInverse(items);
            latentRows = Tensors.fromInts(unique[0], device);
            latentIndex = Tensors.fromInts(unique[1], device);
            latents = projectRows(latentRows);
        } else {
            latents = latents();
        }
        lap(StepPhases.Phase.PROJECTIONS);
        Targets t = fixed != null ? fixed
                : kernels.targets().draw(id.hu(), id.hi(), id.userRows(), id.itemRows(), latents, latentRows,
                        config.dropout());
        // shared by the user->item and every alignment term (fixed targets hold every row)
        Tensor targetItems = fixed != null ? fixed.items(i) : t.items(id.itemIndex());
        Tensor targetUsers = fixed != null ? fixed.users(u) : t.users(id.userIndex());
        int modalities = latents.size();
        Tensor[] targets = new Tensor[2 + 2 * modalities];
        int[] blocks = new int[targets.length];
        double[] weights = new double[targets.length];
        targets[0] = targetItems; // P_U[u] vs T_I[i]
        targets[1] = targetUsers; // P_I[i] vs T_U[u]
        blocks[1] = 1;
        weights[0] = 1;
        weights[1] = 1;
        for (int m = 0; m < modalities; m++) {
            targets[2 + 2 * m] = targetItems;       // inter-modality alignment: Q_m[i] vs T_I[i]
            // intra-modality masking: Q_m[i] vs T_m[i] (fixed targets hold every item's rows)
            targets[3 + 2 * m] = fixed != null ? fixed.modality(m, i) : t.modality(m, latentIndex);
            blocks[2 + 2 * m] = 2 + m;
            blocks[3 + 2 * m] = 2 + m;
            weights[2 + 2 * m] = config.clWeight();
            weights[3 + 2 * m] = config.clWeight();
        }
        lap(StepPhases.Phase.TARGETS);
        // All online rows through the shared predictor in one product: [H_U[u]; H_I[i]; z_1[i]; ...]
        Tensor[] rows = new Tensor[2 + modalities];
        rows[0] = id.online0();
        rows[1] = id.online1();
        for (int m = 0; m < modalities; m++) {
            rows[2 + m] = latents.get(m).index_select(0, latentIndex);
        }
        Tensor online = predictor(torch.cat(new TensorVector(rows), 0));
        CosineTerms.Result r = kernels.cosine().terms(online, users.length, blocks, targets, weights);
        Tensor total = id.reg() != null
                ? r.weightedSum().add(id.reg(), new Scalar(config.regWeight()))
                : r.weightedSum().add(new Scalar(config.regWeight() * id.regValue()));
        double[] v = r.values();
        double align = 0;
        double mask = 0;
        for (int m = 0; m < modalities; m++) {
            align += v[2 + 2 * m];
            mask += v[3 + 2 * m];
        }
        return new LossTerms(total, v[0], v[1], align, mask, id.regValue());
    }

    /**
     * Fast mode: z_m for the given items only, from their raw feature rows as dense Adam would
     * hold them now ({@link RowSparseAdam#gather}), in a kept buffer. The rows are not autograd
     * leaves: autograd computes the projection's own gradients from z_m's, and
     * {@link #computeGradients} the rows' gradient dZ W into the buffer, so no batch-by-width
     * tensor is allocated per step.
     */
    private List<Tensor> projectRows(Tensor rows) {
        stepRows = rows;
        stepFeatureRows.clear();
        stepLatents.clear();
        stepRowGradients.clear();
        int n = (int) rows.numel();
        List<Tensor> latents = new ArrayList<>();
        for (int m = 0; m < features.size(); m++) {
            // what dense Adam would hold now; the step's update catches the table itself up
            Tensor gathered = rowBuffer(m, n).select(0, 0);
            featureOptimizer.gather(m, rows, gathered);
            stepFeatureRows.add(gathered);
            Tensor z = torch.linear(gathered, projWeights.get(m), new TensorOptional(projBiases.get(m)));
            if (z.requires_grad()) {
                z.__dispatch_retain_grad();
            }
            stepLatents.add(z);
            latents.add(z);
        }
        return latents;
    }

    /** Modality m's buffer viewed as [2, n, width] (rows, gradients), grown to hold n rows. */
    private Tensor rowBuffer(int m, int n) {
        long width = features.get(m).size(1);
        while (rowBuffers.size() <= m) {
            rowBuffers.add(null);
        }
        Tensor buffer = rowBuffers.get(m);
        if (buffer == null || buffer.size(1) < n) {
            if (buffer != null) {
                buffer.close();
            }
            int capacity = Math.max(n, config.trainBatchSize());
            try (PointerScope scope = new PointerScope()) {
                buffer = Tensors.keep(torch.empty(new long[] {2, capacity, width}, Tensors.options(dtype, device), null));
            }
            rowBuffers.set(m, buffer);
        }
        return buffer.narrow(1, 0, n);
    }

    /** Fast mode, after the backward: each modality's row gradient dZ W, into the row buffers. */
    private void rowGradients() {
        stepRowGradients.clear();
        try (NoGradGuard g = new NoGradGuard()) {
            for (int m = 0; m < stepLatents.size(); m++) {
                Tensor dz = stepLatents.get(m).grad();
                if (!dz.defined()) {
                    stepRowGradients.add(dz);
                    continue;
                }
                Tensor out = rowBuffer(m, (int) dz.size(0)).select(0, 1);
                torch.mm_out(out, dz, projWeights.get(m));
                stepRowGradients.add(out);
            }
        }
    }

    /** The sorted distinct values of {@code items} and, per entry, its position among them. */
    static int[][] uniqueWithInverse(int[] items) {
        int[] sorted = items.clone();
        java.util.Arrays.sort(sorted);
        int n = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (k == 0 || sorted[k] != sorted[k - 1]) {
                sorted[n++] = sorted[k];
            }
        }
        int[] unique = java.util.Arrays.copyOf(sorted, n);
        int[] inverse = new int[items.length];
        for (int b = 0; b < items.length; b++) {
            inverse[b] = java.util.Arrays.binarySearch(unique, items[b]);
        }
        return new int[][] {unique, inverse};
    }

    /**
     * Fast mode, after {@link #computeGradients}: the rows the step touched and, per modality,
     * their feature gradients (borrowed from the step's scope). Empty in exact mode.
     */
    List<Tensor> featureRowGradients() {
        return new ArrayList<>(stepRowGradients);
    }

    /** Fast mode: each modality's feature rows the last loss read (views of kept buffers). */
    List<Tensor> featureRowsRead() {
        return new ArrayList<>(stepFeatureRows);
    }

    /** Fast mode: the unique items of the last loss (int64), borrowed from its scope. */
    Tensor stepRows() {
        return stepRows;
    }

    @Override
    public double trainStep(int[] users, int[] items) {
        double value = computeGradients(users, items);
        optimizer.step();
        if (featureOptimizer != null) {
            for (int m = 0; m < stepRowGradients.size(); m++) {
                Tensor grad = stepRowGradients.get(m);
                if (grad.defined()) {
                    featureOptimizer.step(m, stepRows, grad);
                }
            }
            stepFeatureRows.clear();
            stepLatents.clear();
            stepRowGradients.clear();
            stepRows = null;
        }
        if (phases != null) {
            phases.lap(StepPhases.Phase.OPTIMIZER);
            phases.endStep();
        }
        return value;
    }

    /** Zeroes the gradients, builds the loss and back-propagates it (no parameter update). */
    double computeGradients(int[] users, int[] items) {
        invalidateScores();
        if (phases != null) {
            phases.start();
        }
        optimizer.zeroGrad();
        LossTerms terms = loss(users, items);
        double value = terms.total().item_double();
        lap(StepPhases.Phase.LOSS);
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("loss is " + value);
        }
        terms.total().backward();
        if (propagation instanceof NativePropagation n) {
            // the native ID side's backward (autograd stopped at the batch's rows of H)
            n.finishRowsBackward(userEmb, itemEmb, config.nLayers(), config.regWeight() / nItems);
        }
        if (fast()) {
            rowGradients();
        }
        lap(StepPhases.Phase.BACKWARD);
        return value;
    }

    private void lap(StepPhases.Phase phase) {
        if (phases != null) {
            phases.lap(phase);
        }
    }

    /** Attaches a per-phase timer to training steps (null detaches). */
    public void setPhases(StepPhases phases) {
        this.phases = phases;
    }

    @Override
    public Scorer scorer() {
        if (scoreUsers == null) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor[] h = encode();
                scoreUsers = Tensors.keep(predictor(h[0]).contiguous());
                scoreItems = Tensors.keep(predictor(h[1]).t().contiguous());
            }
        }
        final Tensor users = scoreUsers;
        final Tensor itemsT = scoreItems;
        return (batch, out) -> {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor s = users.index_select(0, Tensors.fromInts(batch, device)).mm(itemsT);
                Tensors.copyTo(s, out);
            }
        };
    }

    /**
     * The serving view of the current parameters as Java arrays: the final user and item
     * embeddings (after the predictor, what {@link #scorer()} multiplies) and the projection and
     * predictor weights. Computed once under no-grad in its own scope; nothing native escapes.
     */
    public ServingWeights servingWeights() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor[] h = encode();
            float[] users = Tensors.toFloats(predictor(h[0]));
            float[] items = Tensors.toFloats(predictor(h[1]));
            List<Integer> dims = new ArrayList<>();
            List<float[]> weights = new ArrayList<>();
            List<float[]> biases = new ArrayList<>();
            for (int m = 0; m < features.size(); m++) {
                dims.add((int) features.get(m).size(1));
                weights.add(Tensors.toFloats(projWeights.get(m)));
                biases.add(Tensors.toFloats(projBiases.get(m)));
            }
            return new ServingWeights(nUsers, nItems, config.embeddingSize(), users, items,
                    List.copyOf(modalityNames), List.copyOf(dims), List.copyOf(weights), List.copyOf(biases),
                    Tensors.toFloats(predWeight), Tensors.toFloats(predBias));
        }
    }

    private void invalidateScores() {
        if (scoreUsers != null) {
            scoreUsers.close();
            scoreItems.close();
            scoreUsers = null;
            scoreItems = null;
        }
    }

    /** Parameter names in checkpoint order. */
    List<String> parameterNames() {
        List<String> names = new ArrayList<>(List.of("user_embedding", "item_embedding"));
        for (String m : modalityNames) {
            names.add(m + ".features");
            names.add(m + ".projection.weight");
            names.add(m + ".projection.bias");
        }
        names.add("predictor.weight");
        names.add("predictor.bias");
        return names;
    }

    /** Parameters in the order of {@link #parameterNames()}; borrowed, do not close. */
    List<Tensor> parameters() {
        List<Tensor> ordered = new ArrayList<>(List.of(userEmb, itemEmb));
        for (int m = 0; m < features.size(); m++) {
            ordered.add(features.get(m));
            ordered.add(projWeights.get(m));
            ordered.add(projBiases.get(m));
        }
        ordered.add(predWeight);
        ordered.add(predBias);
        return ordered;
    }

    @Override
    public void save(Path file) {
        ParameterArchive.write(file, "", parameterNames(), parameters(), archive -> { });
    }

    @Override
    public void load(Path file) {
        invalidateScores();
        ParameterArchive.read(file, "model parameters", "", parameterNames(), parameters(), archive -> { });
    }

    @Override
    public void saveTrainingState(Path file) {
        ParameterArchive.write(file, "param.", parameterNames(), parameters(), archive -> {
            optimizer.save(archive, "optimizer");
            if (featureOptimizer != null) {
                featureOptimizer.save(archive, "feature_optimizer");
            }
            // random streams: LibTorch's generator (the torch path's dropout) and the native draw counter
            archive.write("rng.torch", torch.getDefaultCPUGenerator().get_state());
            long draws = kernels.targets() instanceof TargetSampler.Native n ? n.step() : 0L;
            archive.write("rng.native_draws", Tensors.fromLongs(new long[] {draws}, device));
        });
    }

    @Override
    public void loadTrainingState(Path file) {
        invalidateScores();
        ParameterArchive.read(file, "the training state", "param.", parameterNames(), parameters(), archive -> {
            optimizer.load(archive, "optimizer");
            if (featureOptimizer != null) {
                featureOptimizer.load(archive, "feature_optimizer");
            }
            Tensor state = new Tensor();
            archive.read("rng.torch", state);
            torch.getDefaultCPUGenerator().set_state(state);
            Tensor draws = new Tensor();
            archive.read("rng.native_draws", draws);
            if (kernels.targets() instanceof TargetSampler.Native n) {
                n.setStep(draws.item_long());
            }
        });
    }

    @Override
    public void close() {
        invalidateScores();
        optimizer.close();
        if (featureOptimizer != null) {
            featureOptimizer.close();
        }
        for (Tensor buffer : rowBuffers) {
            if (buffer != null) {
                buffer.close();
            }
        }
        rowBuffers.clear();
        for (int k = parameters.size() - 1; k >= 0; k--) {
            parameters.get(k).close();
        }
        parameters.clear();
        propagation.close();
    }

    /**
     * The loss for one batch (a tensor in the caller's scope, to back-propagate) and the values of
     * its terms.
     *
     * @param total  the full loss
     * @param userItem  1 - mean cos(P_U[u], T_I[i])
     * @param itemUser  1 - mean cos(P_I[i], T_U[u])
     * @param align  sum over modalities of 1 - mean cos(Q_m[i], T_I[i])
     * @param mask   sum over modalities of 1 - mean cos(Q_m[i], T_m[i])
     * @param reg    (||H_U||_F + ||H_I||_F) / n_items
     */
    public record LossTerms(Tensor total, double userItem, double itemUser, double align, double mask, double reg) {
    }
}
