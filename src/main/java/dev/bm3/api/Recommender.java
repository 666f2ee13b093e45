package dev.bm3.api;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.IdMap;
import dev.bm3.data.NpyWriter;
import dev.bm3.data.UserItems;
import dev.bm3.eval.PopularityScorer;
import dev.bm3.model.Bm3Model;
import dev.bm3.model.ServingWeights;
import dev.bm3.train.TrainedRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Serves a trained run: top-K items for users, scores, similar items, users for a new
 * (cold-start) item, and an export of the embeddings. Safe for any number of concurrent threads.
 *
 * <p><b>What it holds.</b> {@link #open} loads the run once (the model at its best validation
 * epoch), computes the FINAL embeddings the scores use, {@code f_p(H_U)} and {@code f_p(H_I)}
 * (SPEC section 6; {@code score(u, i)} is their dot product), copies them and the projection and
 * predictor weights into Java arrays, and releases every native tensor before returning. Serving
 * then never touches LibTorch or re-runs the graph: all state is immutable Java arrays, which is
 * what makes concurrent calls safe and keeps memory flat (a call allocates only its result and a
 * block-sized scratch array). A popularity run serves its training counts (dimension 1: every user
 * is {@code [1]}, item i is {@code [count_i]}).
 *
 * <p><b>Top-K.</b> For a batch of users the scores are one matrix product, users x items, taken in
 * blocks of {@link RecommenderOptions#itemBlock()} items (so scratch memory is bounded whatever the
 * catalogue size), each block feeding one bounded heap per user (partial sort, O(n log K)). Equal
 * scores are ordered by ascending item id, as in evaluation, so a batch answer equals the
 * single-user answers exactly, whatever the batch size or thread count. A user's training items
 * are never recommended; callers can exclude more.
 *
 * <p><b>Ids.</b> Every method takes 0-based indices (as in the {@code .inter} file); the String
 * overloads take external ids when the run has id maps ({@code u_id_mapping.csv},
 * {@code i_id_mapping.csv}, copied from the dataset directory at training time; format in
 * {@link IdMap}), otherwise the index in decimal. Unknown ids and out-of-range indices are
 * rejected with an {@link InvalidInputException} naming the id and the valid range.
 */
public final class Recommender implements AutoCloseable {
    private static final int USERS_PER_TASK = 64;

    private final String model;
    private final Path source;
    private final EmbeddingTable users;
    private final EmbeddingTable items;
    private final UserItems train;
    private final IdMap userIds;
    private final IdMap itemIds;
    private final ServingWeights weights;
    private final ForkJoinPool pool;
    private volatile boolean closed;

    private Recommender(String model, Path source, EmbeddingTable users, EmbeddingTable items, UserItems train,
                        IdMap userIds, IdMap itemIds, ServingWeights weights, RecommenderOptions options) {
        this.model = model;
        this.source = source;
        this.users = users;
        this.items = items;
        this.train = train;
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.weights = weights;
        this.pool = options.threads() > 1 ? new ForkJoinPool(options.threads()) : null;
    }

    /** Opens a run directory (or its {@code model.pt}) with {@link RecommenderOptions#defaults()}. */
    public static Recommender open(Path run) {
        return open(run, RecommenderOptions.defaults());
    }

    /**
     * Opens a run directory written by {@code bm3 train} or {@link Bm3#trainer()}, or the
     * {@code model.pt} checkpoint inside one (its directory supplies the config, the dataset
     * reference and the id maps). Reloads the dataset for the training-item masks and checks its
     * checksum against the manifest. Sets the process-wide thread pools to {@code options.threads()}.
     *
     * @throws InvalidInputException when the path is not a run, the dataset changed, or an id map
     *                               is malformed
     */
    public static Recommender open(Path run, RecommenderOptions options) {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(options, "options");
        Path dir = Files.isRegularFile(run) ? run.toAbsolutePath().getParent() : run;
        try (TrainedRun r = TrainedRun.open(dir, options.threads())) {
            Dataset d = r.dataset();
            String model = r.config().model();
            ServingWeights w = null;
            EmbeddingTable u;
            EmbeddingTable it;
            if (r.model() instanceof Bm3Model bm3) {
                w = bm3.servingWeights();
                u = new EmbeddingTable(w.users(), w.nUsers(), w.dim(), options.itemBlock());
                it = new EmbeddingTable(w.items(), w.nItems(), w.dim(), options.itemBlock());
            } else {
                PopularityScorer pop = new PopularityScorer(d);
                float[] counts = new float[d.nItems()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = pop.count(i);
                }
                float[] ones = new float[d.nUsers()];
                Arrays.fill(ones, 1f);
                u = new EmbeddingTable(ones, d.nUsers(), 1, options.itemBlock());
                it = new EmbeddingTable(counts, d.nItems(), 1, options.itemBlock());
            }
            IdMap uid = readMap(dir.resolve(IdMap.USERS_FILE), IdMap.USER_COLUMN, d.nUsers());
            IdMap iid = readMap(dir.resolve(IdMap.ITEMS_FILE), IdMap.ITEM_COLUMN, d.nItems());
            return new Recommender(model, dir, u, it, d.trainByUser(), uid, iid, w, options);
        }
    }

    /**
     * A recommender over embeddings computed elsewhere (e.g. read from a {@code bm3 export}
     * directory), with dot-product scores. Cold-start items are not available (no weights).
     *
     * @param dim           embedding width
     * @param userRows      n_users x dim, row-major (not copied: do not modify it afterwards)
     * @param itemRows      n_items x dim, row-major (not copied)
     * @param excludedItems per user, the items never to recommend (e.g. training items); may be null
     */
    public static Recommender fromEmbeddings(int dim, float[] userRows, float[] itemRows, int[][] excludedItems,
                                             RecommenderOptions options) {
        if (dim < 1 || userRows.length % dim != 0 || itemRows.length % dim != 0) {
            throw new IllegalArgumentException("embedding arrays of " + userRows.length + " and " + itemRows.length
                    + " values do not hold rows of dim " + dim);
        }
        int nUsers = userRows.length / dim;
        int nItems = itemRows.length / dim;
        int[] offsets = new int[nUsers + 1];
        List<int[]> rows = new ArrayList<>();
        for (int u = 0; u < nUsers; u++) {
            int[] ex = excludedItems == null || excludedItems[u] == null ? new int[0]
                    : IntStream.of(excludedItems[u]).sorted().distinct().toArray();
            for (int i : ex) {
                if (i < 0 || i >= nItems) {
                    throw new IllegalArgumentException("excluded item " + i + " of user " + u + " outside [0, " + nItems + ")");
                }
            }
            rows.add(ex);
            offsets[u + 1] = offsets[u] + ex.length;
        }
        int[] flat = new int[offsets[nUsers]];
        for (int u = 0; u < nUsers; u++) {
            System.arraycopy(rows.get(u), 0, flat, offsets[u], rows.get(u).length);
        }
        return new Recommender("embeddings", null, new EmbeddingTable(userRows, nUsers, dim, options.itemBlock()),
                new EmbeddingTable(itemRows, nItems, dim, options.itemBlock()), new UserItems(offsets, flat),
                null, null, null, options);
    }

    private static IdMap readMap(Path file, String column, int n) {
        return Files.isRegularFile(file) ? IdMap.read(file, column, n) : null;
    }

    // ---- description ------------------------------------------------------------------------

    /** The model name of the run ({@code bm3}, {@code pop}). */
    public String model() {
        return model;
    }

    public int userCount() {
        return users.rows;
    }

    public int itemCount() {
        return items.rows;
    }

    /** Embedding width (1 for a popularity run). */
    public int dimension() {
        return users.dim;
    }

    /** True when the run carries external user and/or item ids. */
    public boolean hasExternalIds() {
        return userIds != null || itemIds != null;
    }

    /** Names of the modalities a cold-start item can carry, with their feature widths (empty for pop). */
    public Map<String, Integer> modalities() {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (weights != null) {
            for (int k = 0; k < weights.modalities().size(); k++) {
                m.put(weights.modalities().get(k), weights.featureDims().get(k));
            }
        }
        return m;
    }

    /**
     * Approximate bytes of Java heap this recommender holds (embeddings in both layouts, norms,
     * training-item index, cold-start weights); id maps are not counted.
     */
    public long memoryBytes() {
        long b = users.bytes() + items.bytes() + 4L * (train.offsets().length + train.items().length);
        if (weights != null) {
            for (float[] a : weights.projectionWeights()) {
                b += 4L * a.length;
            }
            b += 4L * (weights.predictorWeight().length + 2L * weights.dim());
        }
        return b;
    }

    // ---- ids ----------------------------------------------------------------------------------

    /** The index of an external user id (or of a decimal index without an id map). */
    public int userIndex(String userId) {
        return resolve(userId, userIds, users.rows, "user");
    }

    /** The index of an external item id (or of a decimal index without an id map). */
    public int itemIndex(String itemId) {
        return resolve(itemId, itemIds, items.rows, "item");
    }

    /** The external id of user {@code user} (its decimal index without an id map). */
    public String userId(int user) {
        checkUser(user);
        return userIds == null ? Integer.toString(user) : userIds.id(user);
    }

    /** The external id of item {@code item} (its decimal index without an id map). */
    public String itemId(int item) {
        checkItem(item, "item");
        return itemIds == null ? Integer.toString(item) : itemIds.id(item);
    }

    private static int resolve(String id, IdMap map, int n, String what) {
        Objects.requireNonNull(id, what + " id");
        if (map != null) {
            int k = map.index(id);
            if (k < 0) {
                throw new InvalidInputException("unknown " + what + " id '" + id + "' (not in the run's "
                        + (what.equals("user") ? IdMap.USERS_FILE : IdMap.ITEMS_FILE) + ", " + n + " ids)");
            }
            return k;
        }
        int k;
        try {
            k = Integer.parseInt(id.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(what + " id '" + id + "': this run has no external " + what
                    + " ids, expected an index in [0, " + (n - 1) + "]");
        }
        if (k < 0 || k >= n) {
            throw new InvalidInputException(what + " id '" + id + "': expected an index in [0, " + (n - 1) + "]");
        }
        return k;
    }

    // ---- recommendations ----------------------------------------------------------------------

    /** The user's top-{@code k} items, best first, excluding the user's training items. */
    public List<Recommendation> recommend(int user, int k) {
        return recommend(user, k, new int[0]);
    }

    /**
     * The user's top-{@code k} items, best first, excluding the training items and
     * {@code alsoExclude} (any order, duplicates allowed). Fewer than k when fewer items remain.
     */
    public List<Recommendation> recommend(int user, int k, int[] alsoExclude) {
        checkOpen();
        checkUser(user);
        checkK(k);
        Objects.requireNonNull(alsoExclude, "alsoExclude");
        for (int i : alsoExclude) {
            checkItem(i, "excluded item");
        }
        int[] mask = IntStream.concat(IntStream.of(train.of(user)), IntStream.of(alsoExclude)).sorted().distinct().toArray();
        @SuppressWarnings("unchecked")
        List<Recommendation>[] out = new List[1];
        rank(new int[] {user}, 0, 1, k, new int[][] {mask}, out);
        return out[0];
    }

    /** {@link #recommend(int, int)} with external ids. */
    public List<Recommendation> recommend(String user, int k) {
        return recommend(userIndex(user), k);
    }

    /** {@link #recommend(int, int, int[])} with external ids. */
    public List<Recommendation> recommend(String user, int k, Collection<String> alsoExclude) {
        int u = userIndex(user);
        int[] ex = alsoExclude.stream().mapToInt(this::itemIndex).toArray();
        return recommend(u, k, ex);
    }

    /**
     * Top-{@code k} for a batch of users (training items excluded); element b answers users[b] and
     * equals {@code recommend(users[b], k)}. Rows are ranked in parallel on the recommender's own
     * pool of {@link RecommenderOptions#threads()} threads.
     */
    public List<List<Recommendation>> recommend(int[] userBatch, int k) {
        checkOpen();
        Objects.requireNonNull(userBatch, "users");
        for (int u : userBatch) {
            checkUser(u);
        }
        checkK(k);
        int n = userBatch.length;
        int[][] masks = new int[n][];
        for (int b = 0; b < n; b++) {
            masks[b] = train.of(userBatch[b]);
        }
        @SuppressWarnings("unchecked")
        List<Recommendation>[] out = new List[n];
        int tasks = (n + USERS_PER_TASK - 1) / USERS_PER_TASK;
        if (pool == null || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                rank(userBatch, t * USERS_PER_TASK, Math.min(n, (t + 1) * USERS_PER_TASK), k, masks, out);
            }
        } else {
            // each task writes its own slots of the array; join() publishes them to this thread
            pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(t ->
                    rank(userBatch, t * USERS_PER_TASK, Math.min(n, (t + 1) * USERS_PER_TASK), k, masks, out))).join();
        }
        return List.of(out);
    }

    /** Ranks users[from..to): one pass over the item blocks, every user's heap fed per block. */
    private void rank(int[] batch, int from, int to, int k, int[][] masks, List<Recommendation>[] out) {
        int n = to - from;
        k = Math.min(k, items.rows);
        TopKHeap[] heaps = new TopKHeap[n];
        int[] mp = new int[n];
        for (int b = 0; b < n; b++) {
            heaps[b] = new TopKHeap(k);
        }
        float[] scratch = new float[items.block];
        float[] q = users.raw();
        for (int blk = 0; blk < items.blockCount(); blk++) {
            int start = items.blockStart(blk);
            int len = items.blockLength(blk);
            for (int b = 0; b < n; b++) {
                int u = batch[from + b];
                items.scoreBlock(blk, q, u * users.dim, scratch);
                int[] mask = masks[from + b];
                int p = mp[b];
                TopKHeap h = heaps[b];
                for (int j = 0; j < len; j++) {
                    int item = start + j;
                    if (p < mask.length && mask[p] == item) {
                        p++;
                        continue;
                    }
                    h.offer(scratch[j], item);
                }
                mp[b] = p;
            }
        }
        int[] ids = new int[k];
        float[] sc = new float[k];
        for (int b = 0; b < n; b++) {
            int m = heaps[b].drain(ids, sc);
            List<Recommendation> list = new ArrayList<>(m);
            for (int r = 0; r < m; r++) {
                list.add(new Recommendation(ids[r], itemIds == null ? Integer.toString(ids[r]) : itemIds.id(ids[r]), sc[r]));
            }
            out[from + b] = List.copyOf(list);
        }
    }

    /** The scores of {@code itemList} for {@code user} (training items included), in the given order. */
    public float[] score(int user, int[] itemList) {
        checkOpen();
        checkUser(user);
        Objects.requireNonNull(itemList, "items");
        for (int i : itemList) {
            checkItem(i, "item");
        }
        float[] q = users.raw();
        float[] out = new float[itemList.length];
        for (int k = 0; k < itemList.length; k++) {
            out[k] = items.dot(q, user * users.dim, itemList[k]);
        }
        return out;
    }

    /** {@link #score(int, int[])} with external ids. */
    public float[] score(String user, List<String> itemList) {
        return score(userIndex(user), itemList.stream().mapToInt(this::itemIndex).toArray());
    }

    /**
     * The {@code k} items most similar to {@code item} by cosine of the final item embeddings
     * (the item itself excluded; an all-zero embedding has similarity 0 to everything).
     */
    public List<Recommendation> similarItems(int item, int k) {
        checkOpen();
        checkItem(item, "item");
        checkK(k);
        float[] q = items.raw();
        int qOff = item * items.dim;
        float qn = items.norm(item);
        k = Math.min(k, items.rows);
        TopKHeap h = new TopKHeap(k);
        float[] scratch = new float[items.block];
        for (int blk = 0; blk < items.blockCount(); blk++) {
            int start = items.blockStart(blk);
            int len = items.blockLength(blk);
            items.scoreBlock(blk, q, qOff, scratch);
            for (int j = 0; j < len; j++) {
                int other = start + j;
                if (other == item) {
                    continue;
                }
                float denom = qn * items.norm(other);
                h.offer(denom == 0f ? 0f : scratch[j] / denom, other);
            }
        }
        int[] ids = new int[k];
        float[] sc = new float[k];
        int m = h.drain(ids, sc);
        List<Recommendation> list = new ArrayList<>(m);
        for (int r = 0; r < m; r++) {
            list.add(new Recommendation(ids[r], itemIds == null ? Integer.toString(ids[r]) : itemIds.id(ids[r]), sc[r]));
        }
        return List.copyOf(list);
    }

    /** {@link #similarItems(int, int)} with an external id. */
    public List<Recommendation> similarItems(String item, int k) {
        return similarItems(itemIndex(item), k);
    }

    /** A copy of the final (post-predictor) embedding of a user. */
    public float[] userEmbedding(int user) {
        checkUser(user);
        return users.row(user);
    }

    /** A copy of the final (post-predictor) embedding of an item. */
    public float[] itemEmbedding(int item) {
        checkItem(item, "item");
        return items.row(item);
    }

    // ---- cold-start items ---------------------------------------------------------------------

    /**
     * The embedding of a NEW item known only by its modality features (no interactions), in the
     * space of the catalogue's final item embeddings, so it can be scored against users like any
     * item.
     *
     * <p><b>Method.</b> BM3 trains each modality's projection {@code z_m = f_m(x_m)} and the shared
     * predictor so that {@code f_p(z_m)} aligns (cosine) with the item's online view; at inference
     * the items' scores use {@code f_p(H_I)}. The new item therefore gets
     * {@code e = f_p(mean over the given modalities of f_m(x_m))} (f_p is linear, so this is also
     * the mean of the per-modality predictions). Any non-empty subset of the run's modalities may
     * be given. Limits: the raw feature tables are fine-tuned during training while a new item's
     * features are not, and the alignment is by cosine, so the embedding's direction is meaningful
     * but its norm is not calibrated against catalogue items: use it to rank users for the item
     * ({@link #recommendUsersForItem}) or to compare one item's scores across users, not to mix it
     * into a catalogue top-K. Only BM3 runs support this.
     *
     * @param featuresByModality modality name (see {@link #modalities()}) to its raw feature
     *                           vector, of the width the run was trained with, all values finite
     * @throws InvalidInputException naming the modality for an unknown name, a wrong width or a
     *                               non-finite value
     * @throws UnsupportedOperationException for runs without feature projections (pop)
     */
    public float[] itemEmbeddingFromFeatures(Map<String, float[]> featuresByModality) {
        checkOpen();
        Objects.requireNonNull(featuresByModality, "featuresByModality");
        if (weights == null) {
            throw new UnsupportedOperationException("model '" + model + "' has no feature projection; "
                    + "cold-start items need a BM3 run");
        }
        if (featuresByModality.isEmpty()) {
            throw new InvalidInputException("cold-start item: no features given; expected one or more of "
                    + weights.modalities());
        }
        int d = weights.dim();
        double[] z = new double[d];
        for (Map.Entry<String, float[]> e : featuresByModality.entrySet()) {
            int m = weights.modalities().indexOf(e.getKey());
            if (m < 0) {
                throw new InvalidInputException("cold-start item: unknown modality '" + e.getKey() + "'; this run has "
                        + weights.modalities());
            }
            float[] x = Objects.requireNonNull(e.getValue(), "features of " + e.getKey());
            int width = weights.featureDims().get(m);
            if (x.length != width) {
                throw new InvalidInputException("cold-start item: modality '" + e.getKey() + "' has " + x.length
                        + " features, the run was trained with " + width);
            }
            for (int c = 0; c < x.length; c++) {
                if (!Float.isFinite(x[c])) {
                    throw new InvalidInputException("cold-start item: modality '" + e.getKey() + "' feature " + c
                            + " is " + x[c] + "; expected a finite value");
                }
            }
            float[] w = weights.projectionWeights().get(m);
            float[] bias = weights.projectionBiases().get(m);
            for (int o = 0; o < d; o++) {
                double s = bias[o];
                int base = o * width;
                for (int c = 0; c < width; c++) {
                    s += (double) w[base + c] * x[c];
                }
                z[o] += s;
            }
        }
        int count = featuresByModality.size();
        float[] pw = weights.predictorWeight();
        float[] out = new float[d];
        for (int o = 0; o < d; o++) {
            double s = weights.predictorBias()[o];
            for (int c = 0; c < d; c++) {
                s += (double) pw[o * d + c] * (z[c] / count);
            }
            out[o] = (float) s;
        }
        return out;
    }

    /** The scores of an item embedding (e.g. a cold-start one) for the given users, in order. */
    public float[] scoreUsers(float[] itemEmbedding, int[] userList) {
        checkOpen();
        checkEmbedding(itemEmbedding);
        Objects.requireNonNull(userList, "users");
        for (int u : userList) {
            checkUser(u);
        }
        float[] out = new float[userList.length];
        for (int k = 0; k < userList.length; k++) {
            out[k] = users.dot(itemEmbedding, 0, userList[k]);
        }
        return out;
    }

    /** The {@code k} users with the highest scores for an item embedding, best first (ties by user id). */
    public List<ScoredUser> recommendUsersForItem(float[] itemEmbedding, int k) {
        checkOpen();
        checkEmbedding(itemEmbedding);
        checkK(k);
        k = Math.min(k, users.rows);
        TopKHeap h = new TopKHeap(k);
        float[] scratch = new float[users.block];
        for (int blk = 0; blk < users.blockCount(); blk++) {
            int start = users.blockStart(blk);
            int len = users.blockLength(blk);
            users.scoreBlock(blk, itemEmbedding, 0, scratch);
            for (int j = 0; j < len; j++) {
                h.offer(scratch[j], start + j);
            }
        }
        int[] ids = new int[k];
        float[] sc = new float[k];
        int m = h.drain(ids, sc);
        List<ScoredUser> list = new ArrayList<>(m);
        for (int r = 0; r < m; r++) {
            list.add(new ScoredUser(ids[r], userIds == null ? Integer.toString(ids[r]) : userIds.id(ids[r]), sc[r]));
        }
        return List.copyOf(list);
    }

    // ---- export -------------------------------------------------------------------------------

    /**
     * Writes the final embeddings for use outside the engine (NumPy, ANN indexes):
     * {@code user_embeddings.npy} (n_users x dim) and {@code item_embeddings.npy} (n_items x dim),
     * float32 little-endian C order, whose dot products are exactly the scores; {@code user_ids.tsv}
     * and {@code item_ids.tsv} (header {@code index\tid}, row k = the external id of row k of the
     * matrix, or k without an id map); {@code export.json} (run, model, counts, dim, score).
     * {@code dir} is created; an existing non-empty directory is refused.
     */
    public void export(Path dir) {
        checkOpen();
        try {
            if (Files.exists(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidInputException("--out " + dir + ": directory exists and is not empty");
                    }
                }
            }
            Files.createDirectories(dir);
            NpyWriter.write(dir.resolve("user_embeddings.npy"), new FeatureMatrix("users", users.rows, users.dim, users.raw()));
            NpyWriter.write(dir.resolve("item_embeddings.npy"), new FeatureMatrix("items", items.rows, items.dim, items.raw()));
            writeIds(dir.resolve("user_ids.tsv"), users.rows, userIds);
            writeIds(dir.resolve("item_ids.tsv"), items.rows, itemIds);
            String json = String.format(Locale.ROOT, "{%n  \"run\": %s,%n  \"model\": \"%s\",%n  \"n_users\": %d,%n"
                            + "  \"n_items\": %d,%n  \"dim\": %d,%n  \"dtype\": \"float32\",%n"
                            + "  \"score\": \"dot(user_embeddings[u], item_embeddings[i])\",%n"
                            + "  \"external_ids\": %s%n}%n",
                    source == null ? "null" : quote(source.toAbsolutePath().normalize().toString()), model,
                    users.rows, items.rows, users.dim, hasExternalIds());
            Files.writeString(dir.resolve("export.json"), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("exporting to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeIds(Path file, int n, IdMap map) throws IOException {
        StringBuilder sb = new StringBuilder("index\tid\n");
        for (int k = 0; k < n; k++) {
            sb.append(k).append('\t').append(map == null ? Integer.toString(k) : map.id(k)).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---- checks -------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("recommender is closed");
        }
    }

    private void checkUser(int user) {
        if (user < 0 || user >= users.rows) {
            throw new InvalidInputException("user " + user + ": expected an index in [0, " + (users.rows - 1) + "]");
        }
    }

    private void checkItem(int item, String what) {
        if (item < 0 || item >= items.rows) {
            throw new InvalidInputException(what + " " + item + ": expected an index in [0, " + (items.rows - 1) + "]");
        }
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new InvalidInputException("k " + k + ": expected a positive integer");
        }
    }

    private void checkEmbedding(float[] e) {
        Objects.requireNonNull(e, "itemEmbedding");
        if (e.length != users.dim) {
            throw new InvalidInputException("item embedding has " + e.length + " values, expected dim " + users.dim);
        }
        for (float v : e) {
            if (!Float.isFinite(v)) {
                throw new InvalidInputException("item embedding holds " + v + "; expected finite values");
            }
        }
    }

    /** Releases the batch thread pool; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
