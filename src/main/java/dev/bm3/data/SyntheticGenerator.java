package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a learnable synthetic multi-modal dataset, deterministically for a seed.
 *
 * <p>Each item has a latent vector and a Zipf-like popularity bias; each user has a taste vector.
 * A user's items are drawn without replacement from
 * {@code softmax(tasteStrength * taste . latent + popularityBias)} (Gumbel top-n), with per-user
 * counts {@code minInteractions + Geometric}. Items no user drew are given to the best-matching of
 * a few random users, so every item id occurs and the written file round-trips. The {@code image}
 * and {@code text} features are noisy non-linear functions of the item latents (a tanh layer, and a
 * ReLU-then-tanh two-layer map), so a model can recover taste structure from them. Rows are split
 * per user with the {@link ReferenceSplit reference rule}.
 */
public final class SyntheticGenerator {
    /** Scales taste . latent (standard normal) against the popularity bias; larger = more personal. */
    private static final double TASTE_STRENGTH = 2.5;
    /** Popularity bias of the item with popularity rank r is {@code -exponent * ln(1 + r)}. */
    private static final double POPULARITY_EXPONENT = 0.6;
    private static final int TEXT_HIDDEN = 64;
    private static final int COVER_CANDIDATES = 8;

    /**
     * Generator settings; defaults give about 3,000 users, 2,000 items and 100,000 interactions.
     *
     * @param meanInteractions mean interactions per user (before items are covered)
     * @param minInteractions  the fewest interactions a user gets (at least 3, so every user trains)
     * @param featureNoise     standard deviation of the Gaussian noise added to every feature
     */
    public record Config(int nUsers, int nItems, int meanInteractions, int minInteractions, int latentDim,
                         int imageDim, int textDim, double featureNoise, long seed) {
        public Config {
            positive("nUsers", nUsers);
            positive("nItems", nItems);
            positive("latentDim", latentDim);
            positive("imageDim", imageDim);
            positive("textDim", textDim);
            if (minInteractions < 3) {
                throw new InvalidInputException("synthetic config: minInteractions must be >= 3, got " + minInteractions);
            }
            if (meanInteractions < minInteractions || meanInteractions > nItems / 2) {
                throw new InvalidInputException("synthetic config: meanInteractions must be in [minInteractions = "
                        + minInteractions + ", nItems / 2 = " + nItems / 2 + "], got " + meanInteractions);
            }
            if (!(featureNoise >= 0) || Double.isInfinite(featureNoise)) {
                throw new InvalidInputException("synthetic config: featureNoise must be finite and >= 0, got " + featureNoise);
            }
        }

        public static Config defaults() {
            return new Config(3_000, 2_000, 33, 5, 16, 256, 128, 0.2, 999);
        }

        private static void positive(String field, int value) {
            if (value <= 0) {
                throw new InvalidInputException("synthetic config: " + field + " must be > 0, got " + value);
            }
        }
    }

    /** The planted ground truth, kept so tests can check the data carries the intended signal. */
    record Truth(double[][] userTaste, double[][] itemLatent, double[] popularityBias) {
        /** The (unnormalized) log-probability the generator gave to user u drawing item i. */
        double logit(int u, int i) {
            double dot = 0;
            for (int k = 0; k < userTaste[u].length; k++) {
                dot += userTaste[u][k] * itemLatent[i][k];
            }
            return TASTE_STRENGTH * dot + popularityBias[i];
        }
    }

    private final Config config;
    private Truth truth;

    public SyntheticGenerator(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Generates the dataset named {@code synthetic}; the same config always gives the same dataset. */
    public Dataset generate() {
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom latentRng = root.split();
        SplittableRandom drawRng = root.split();
        SplittableRandom splitRng = root.split();
        SplittableRandom featureRng = root.split();
        int nUsers = config.nUsers();
        int nItems = config.nItems();
        int k = config.latentDim();

        double[][] itemLatent = gaussian(latentRng, nItems, k, 1.0);
        double[][] userTaste = gaussian(latentRng, nUsers, k, 1.0 / Math.sqrt(k));
        int[] rank = permutation(latentRng, nItems);
        double[] bias = new double[nItems];
        for (int i = 0; i < nItems; i++) {
            bias[i] = -POPULARITY_EXPONENT * Math.log1p(rank[i]);
        }
        truth = new Truth(userTaste, itemLatent, bias);

        int[][] byUser = draw(drawRng, truth);
        coverAllItems(drawRng, truth, byUser);

        Map<String, FeatureMatrix> features = new LinkedHashMap<>();
        features.put("image", imageFeatures(featureRng, itemLatent));
        features.put("text", textFeatures(featureRng, itemLatent));
        return split(splitRng, byUser, features);
    }

    /** The ground truth of the last {@link #generate()} call. */
    Truth truth() {
        return truth;
    }

    /**
     * Writes a dataset in the MMRec layout: {@code DIR/NAME.inter} (header
     * {@code userID\titemID\tx_label}; train, then validation, then test rows, each in split order)
     * and {@code DIR/<m>_feat.npy} per modality, so {@link DatasetLoader#load} reads back an equal
     * dataset with the same checksum. Creates DIR if needed; every file is written atomically.
     */
    public static void write(Dataset d, Path dir, String name) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(name + ".inter"), raw -> {
                Writer out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
                out.write("userID\titemID\tx_label\n");
                StringBuilder line = new StringBuilder(32);
                for (SplitName s : SplitName.values()) {
                    Split split = d.split(s);
                    for (int r = 0; r < split.size(); r++) {
                        line.setLength(0);
                        line.append(split.users()[r]).append('\t').append(split.items()[r]).append('\t')
                                .append(s.code).append('\n');
                        out.append(line);
                    }
                }
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir, e);
        }
        for (FeatureMatrix m : d.modalities().values()) {
            NpyWriter.write(dir.resolve(m.name() + "_feat.npy"), m);
        }
    }

    /** Per user: the drawn items via Gumbel top-n, i.e. sampling without replacement from the softmax. */
    private int[][] draw(SplittableRandom rng, Truth t) {
        int nItems = config.nItems();
        double p = 1.0 / (config.meanInteractions() - config.minInteractions() + 1);
        int cap = nItems / 2;
        int[][] byUser = new int[config.nUsers()][];
        double[] keys = new double[nItems];
        double[] sorted = new double[nItems];
        for (int u = 0; u < byUser.length; u++) {
            int extra = (int) Math.floor(Math.log(1 - rng.nextDouble()) / Math.log(1 - p));
            int n = Math.min(cap, config.minInteractions() + extra);
            for (int i = 0; i < nItems; i++) {
                keys[i] = t.logit(u, i) - Math.log(-Math.log(1 - rng.nextDouble()));
            }
            System.arraycopy(keys, 0, sorted, 0, nItems);
            Arrays.sort(sorted);
            double threshold = sorted[nItems - n];
            int[] chosen = new int[n];
            int c = 0;
            for (int i = 0; i < nItems && c < n; i++) {
                if (keys[i] >= threshold) {
                    chosen[c++] = i;
                }
            }
            byUser[u] = chosen;
        }
        return byUser;
    }

    private void coverAllItems(SplittableRandom rng, Truth t, int[][] byUser) {
        boolean[] seen = new boolean[config.nItems()];
        for (int[] items : byUser) {
            for (int i : items) {
                seen[i] = true;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (seen[i]) {
                continue;
            }
            int best = rng.nextInt(byUser.length);
            for (int c = 1; c < COVER_CANDIDATES; c++) {
                int u = rng.nextInt(byUser.length);
                if (t.logit(u, i) > t.logit(best, i)) {
                    best = u;
                }
            }
            int[] grown = Arrays.copyOf(byUser[best], byUser[best].length + 1);
            grown[grown.length - 1] = i;
            byUser[best] = grown;
        }
    }

    private Dataset split(SplittableRandom rng, int[][] byUser, Map<String, FeatureMatrix> features) {
        int total = 0;
        for (int[] items : byUser) {
            total += items.length;
        }
        int[][] users = {new int[total], new int[total], new int[total]};
        int[][] items = {new int[total], new int[total], new int[total]};
        int[] fill = new int[3];
        for (int u = 0; u < byUser.length; u++) {
            int[] own = byUser[u];
            for (int a = own.length - 1; a > 0; a--) {
                int b = rng.nextInt(a + 1);
                int tmp = own[a];
                own[a] = own[b];
                own[b] = tmp;
            }
            int[] counts = ReferenceSplit.counts(own.length);
            int at = 0;
            for (int s = 0; s < 3; s++) {
                for (int c = 0; c < counts[s]; c++) {
                    users[s][fill[s]] = u;
                    items[s][fill[s]++] = own[at++];
                }
            }
        }
        int[] allUsers = new int[total];
        int[] allItems = new int[total];
        byte[] labels = new byte[total];
        int w = 0;
        for (int s = 0; s < 3; s++) {
            System.arraycopy(users[s], 0, allUsers, w, fill[s]);
            System.arraycopy(items[s], 0, allItems, w, fill[s]);
            Arrays.fill(labels, w, w + fill[s], (byte) s);
            w += fill[s];
        }
        return DatasetLoader.fromArrays("synthetic", config.nUsers(), config.nItems(), allUsers, allItems, labels, features);
    }

    private FeatureMatrix imageFeatures(SplittableRandom rng, double[][] latent) {
        double[][] w = gaussian(rng, config.imageDim(), config.latentDim(), 1.5 / Math.sqrt(config.latentDim()));
        double[][] out = new double[latent.length][];
        for (int i = 0; i < latent.length; i++) {
            out[i] = tanh(matVec(w, latent[i]));
        }
        return noisy(rng, "image", out);
    }

    private FeatureMatrix textFeatures(SplittableRandom rng, double[][] latent) {
        double[][] w1 = gaussian(rng, TEXT_HIDDEN, config.latentDim(), 1.0 / Math.sqrt(config.latentDim()));
        double[][] w2 = gaussian(rng, config.textDim(), TEXT_HIDDEN, 2.0 / Math.sqrt(TEXT_HIDDEN));
        double[][] out = new double[latent.length][];
        for (int i = 0; i < latent.length; i++) {
            double[] hidden = matVec(w1, latent[i]);
            for (int h = 0; h < hidden.length; h++) {
                hidden[h] = Math.max(0, hidden[h]);
            }
            out[i] = tanh(matVec(w2, hidden));
        }
        return noisy(rng, "text", out);
    }

    private FeatureMatrix noisy(SplittableRandom rng, String name, double[][] clean) {
        int cols = clean[0].length;
        float[] data = new float[clean.length * cols];
        for (int i = 0; i < clean.length; i++) {
            for (int c = 0; c < cols; c++) {
                data[i * cols + c] = (float) (clean[i][c] + config.featureNoise() * rng.nextGaussian());
            }
        }
        return new FeatureMatrix(name, clean.length, cols, data);
    }

    private static double[][] gaussian(SplittableRandom rng, int rows, int cols, double std) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int c = 0; c < cols; c++) {
                row[c] = std * rng.nextGaussian();
            }
        }
        return out;
    }

    private static double[] matVec(double[][] w, double[] x) {
        double[] out = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = 0;
            for (int c = 0; c < x.length; c++) {
                s += w[r][c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }

    private static double[] tanh(double[] v) {
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.tanh(v[k]);
        }
        return v;
    }

    private static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) {
            p[k] = k;
        }
        for (int a = n - 1; a > 0; a--) {
            int b = rng.nextInt(a + 1);
            int tmp = p[a];
            p[a] = p[b];
            p[b] = tmp;
        }
        return p;
    }
}
