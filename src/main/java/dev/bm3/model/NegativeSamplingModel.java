package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.eval.Scorer;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the BPR baselines share: one {@link NegativeSampler} negative per training row, Adam (lr
 * from the config, MMRec's optional {@code lr_decay^((epoch-1)/lr_decay_step)} schedule applied at
 * each epoch start), named parameters with checkpoints, and a dot-product scorer over the model's
 * final user and item embeddings. A subclass registers its parameters with {@link #param}, calls
 * {@link #ready()} at the end of its constructor, and supplies its loss and its final embeddings.
 *
 * <p>Memory: every step's tensors live in the caller's scope; parameters, the optimizer and any
 * buffers a subclass keeps are owned here and freed by {@link #close()} in reverse order.
 */
abstract class NegativeSamplingModel implements Model {
    protected final TrainConfig config;
    protected final int nUsers;
    protected final int nItems;
    protected final Device device;
    protected final torch.ScalarType dtype = torch.ScalarType.Float;
    private final NegativeSampler sampler;

    private final List<String> names = new ArrayList<>();
    private final List<Tensor> parameters = new ArrayList<>();
    /** Long-lived non-parameter tensors (graphs, frozen features), in creation order. */
    private final List<Tensor> buffers = new ArrayList<>();
    private TensorVector paramVector;
    private Adam adam;

    private Tensor scoreUsers;
    private Tensor scoreItemsT;

    protected NegativeSamplingModel(Dataset data, TrainConfig config, Device device) {
        this.config = config;
        this.nUsers = data.nUsers();
        this.nItems = data.nItems();
        this.device = device;
        this.sampler = NegativeSampler.of(data, config.seed());
    }

    /** Fails with a clear message when a multi-modal baseline gets a dataset without features. */
    protected static void requireModalities(Dataset data, String model) {
        if (data.modalities().isEmpty()) {
            throw new InvalidInputException(model + " needs at least one modality (item features); dataset '"
                    + data.name() + "' has none");
        }
    }

    /** Registers a trainable parameter (kept past the current scope). */
    protected final Tensor param(String name, Tensor t) {
        Tensor p = Tensors.keep(t);
        p.requires_grad_(true);
        names.add(name);
        parameters.add(p);
        return p;
    }

    /** Keeps a non-trainable tensor owned by the model until {@link #close()}. */
    protected final Tensor buffer(Tensor t) {
        Tensor b = Tensors.keep(t);
        buffers.add(b);
        return b;
    }

    /** Releases a buffer early (replaced by a new one, e.g. a per-epoch graph). */
    protected final void release(Tensor t) {
        if (t != null && buffers.remove(t)) {
            t.close();
        }
    }

    /** Creates the optimizer over the registered parameters; call once, last in the constructor. */
    protected final void ready() {
        paramVector = new TensorVector(parameters.toArray(new Tensor[0]));
        adam = new Adam(paramVector, new AdamOptions(config.learningRate()));
    }

    // ---- initialisers (PyTorch's, on a (rows x cols) weight: fan_in = cols, fan_out = rows) ----

    protected final Tensor xavierUniform(long rows, long cols) {
        double a = Math.sqrt(6.0 / (rows + cols));
        return torch.empty(new long[] {rows, cols}, Tensors.options(dtype, device), null).uniform_(-a, a, null);
    }

    protected final Tensor xavierNormal(long rows, long cols) {
        double std = Math.sqrt(2.0 / (rows + cols));
        return torch.empty(new long[] {rows, cols}, Tensors.options(dtype, device), null).normal_(0, std, null);
    }

    /** nn.Linear's default weight (kaiming_uniform, a = sqrt 5): U(-1/sqrt(in), 1/sqrt(in)). */
    protected final Tensor linearDefaultWeight(long out, long in) {
        double b = 1.0 / Math.sqrt(in);
        return torch.empty(new long[] {out, in}, Tensors.options(dtype, device), null).uniform_(-b, b, null);
    }

    /** nn.Linear's default bias: U(-1/sqrt(in), 1/sqrt(in)). */
    protected final Tensor linearDefaultBias(long out, long in) {
        double b = 1.0 / Math.sqrt(in);
        return torch.empty(new long[] {out}, Tensors.options(dtype, device), null).uniform_(-b, b, null);
    }

    protected final Tensor zeros(long... shape) {
        return torch.zeros(shape, Tensors.options(dtype, device));
    }

    protected final Tensor features(FeatureMatrix f) {
        return Tensors.fromFloats(f.data(), f.rows(), f.cols(), dtype, device);
    }

    /** A coalesced sparse COO (rows x cols) tensor of the given entries (duplicates are summed). */
    protected final Tensor sparse(long[] rowIdx, long[] colIdx, float[] values, long rows, long cols) {
        int nnz = values.length;
        long[] idx = new long[2 * nnz];
        System.arraycopy(rowIdx, 0, idx, 0, nnz);
        System.arraycopy(colIdx, 0, idx, nnz, nnz);
        Tensor i = Tensors.fromLongs(idx, device).reshape(2, nnz);
        Tensor v = Tensors.fromFloats(values, 1, nnz, dtype, device).reshape(nnz);
        return torch.sparse_coo_tensor(i, v, rows, cols).coalesce();
    }

    /** LightGCN's layer mean {@code mean(X_0 .. X_L)}, {@code X_l = adj X_{l-1}} (adj sparse or dense). */
    protected static Tensor meanPropagate(Tensor adj, Tensor x0, int layers) {
        Tensor sum = x0;
        Tensor x = x0;
        for (int l = 0; l < layers; l++) {
            x = torch.mm(adj, x);
            sum = sum.add(x);
        }
        return layers == 0 ? x0 : sum.div(new Scalar((double) (layers + 1)));
    }

    /** A copy of an integer tensor's values. */
    protected static long[] toLongs(Tensor t) {
        Tensor c = t.to(new Device(torch.DeviceType.CPU), torch.ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        c.data_ptr_long().get(out, 0, out.length);
        return out;
    }

    // ---- loss pieces ----

    /** Row-wise dot products. */
    protected static Tensor dot(Tensor a, Tensor b) {
        return a.mul(b).sum(new long[] {1}, false, null);
    }

    /** {@code -mean log sigmoid(pos - neg)}. */
    protected static Tensor bpr(Tensor pos, Tensor neg) {
        return torch.log_sigmoid(pos.sub(neg)).mean().neg();
    }

    /** MMRec's EmbLoss: the sum of the (unsquared) Frobenius norms, divided by the batch rows. */
    protected static Tensor embLoss(Tensor... embeddings) {
        Tensor sum = embeddings[0].norm();
        for (int k = 1; k < embeddings.length; k++) {
            sum = sum.add(embeddings[k].norm());
        }
        return sum.div(new Scalar((double) embeddings[embeddings.length - 1].size(0)));
    }

    /**
     * The loss of one batch of (user, positive, negative) rows, built in the caller's scope.
     * Ids are int64 tensors on the model's device; {@code rows} is their length.
     */
    protected abstract Tensor loss(Tensor users, Tensor pos, Tensor neg, int rows);

    /** The final [user embeddings (U x k), item embeddings (I x k)] for scoring, under no-grad. */
    protected abstract Tensor[] scoringEmbeddings();

    /** Per-epoch work of a subclass (graph rebuilds, edge dropout); runs after the LR update. */
    protected void epochStarted(int epoch) {
    }

    @Override
    public final boolean trainable() {
        return true;
    }

    @Override
    public final void onEpochStart(int epoch) {
        if (config.lrDecay() != 1.0) {
            double lr = config.learningRate() * Math.pow(config.lrDecay(), (epoch - 1) / (double) config.lrDecayStep());
            adam.param_groups().get(0).options().set_lr(lr);
        }
        invalidateScores();
        try (PointerScope scope = new PointerScope()) {
            epochStarted(epoch);
        }
    }

    /** The learning rate Adam uses now. */
    double currentLearningRate() {
        return adam.param_groups().get(0).options().get_lr();
    }

    @Override
    public final double trainStep(int[] users, int[] items) {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users and items differ in length: " + users.length + " != " + items.length);
        }
        invalidateScores();
        int[] negatives = sampler.sample(users);
        adam.zero_grad();
        Tensor loss = loss(Tensors.fromInts(users, device), Tensors.fromInts(items, device),
                Tensors.fromInts(negatives, device), users.length);
        double value = loss.item_double();
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("loss is " + value);
        }
        loss.backward();
        adam.step();
        return value;
    }

    @Override
    public final Scorer scorer() {
        if (scoreUsers == null) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor[] e = scoringEmbeddings();
                scoreUsers = Tensors.keep(e[0].contiguous());
                scoreItemsT = Tensors.keep(e[1].t().contiguous());
            }
        }
        final Tensor u = scoreUsers;
        final Tensor iT = scoreItemsT;
        return (batch, out) -> {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensors.copyTo(u.index_select(0, Tensors.fromInts(batch, device)).mm(iT), out);
            }
        };
    }

    private void invalidateScores() {
        if (scoreUsers != null) {
            scoreItemsT.close();
            scoreUsers.close();
            scoreUsers = null;
            scoreItemsT = null;
        }
    }

    @Override
    public void save(Path file) {
        ParameterArchive.write(file, "", names, parameters, archive -> { });
    }

    @Override
    public void load(Path file) {
        invalidateScores();
        ParameterArchive.read(file, "model parameters", "", names, parameters, archive -> { });
        loaded();
    }

    /**
     * Parameters, Adam's state, LibTorch's generator and the sampler's counter. Resuming is exact
     * at epoch boundaries; within an epoch it is exact for BPR-MF, LightGCN and VBPR, while
     * LATTICE's learned graph and FREEDOM's edge dropout (drawn at the epoch start) are drawn anew.
     */
    @Override
    public void saveTrainingState(Path file) {
        ParameterArchive.write(file, "param.", names, parameters, archive -> {
            OutputArchive opt = new OutputArchive();
            adam.save(opt);
            archive.write("optimizer", opt);
            archive.write("rng.torch", torch.getDefaultCPUGenerator().get_state());
            archive.write("rng.sampler", Tensors.fromLongs(new long[] {sampler.batches()}, device));
        });
    }

    @Override
    public void loadTrainingState(Path file) {
        invalidateScores();
        ParameterArchive.read(file, "the training state", "param.", names, parameters, archive -> {
            InputArchive opt = new InputArchive();
            archive.read("optimizer", opt);
            adam.load(opt);
            Tensor state = new Tensor();
            archive.read("rng.torch", state);
            torch.getDefaultCPUGenerator().set_state(state);
            Tensor batches = new Tensor();
            archive.read("rng.sampler", batches);
            sampler.setBatches(batches.item_long());
        });
        loaded();
    }

    /** Called after {@link #load}: rebuild anything derived from the parameters. */
    protected void loaded() {
    }

    @Override
    public void close() {
        invalidateScores();
        if (adam != null) {
            adam.close();
            paramVector.close();
            adam = null;
        }
        for (int k = parameters.size() - 1; k >= 0; k--) {
            parameters.get(k).close();
        }
        parameters.clear();
        for (int k = buffers.size() - 1; k >= 0; k--) {
            buffers.get(k).close();
        }
        buffers.clear();
    }
}
