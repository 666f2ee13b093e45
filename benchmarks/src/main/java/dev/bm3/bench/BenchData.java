package dev.bm3.bench;

import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.InterReader;
import dev.bm3.data.InterTable;
import dev.bm3.data.Split;
import dev.bm3.data.SyntheticGenerator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark inputs: the shared datasets when present, otherwise synthetic stand-ins of the same
 * size (announced on stdout, so a result table never silently mixes the two).
 *
 * <p>The shared data directory is the system property {@code bm3.shared}; by default
 * {@code ../shared/datasets} relative to the working directory (the repository root), with
 * {@code ../../shared/datasets} tried too for runs started inside {@code benchmarks/}. JMH's
 * forked JVMs inherit the host's {@code -D} options, so {@code -Dbm3.shared=...} before
 * {@code -jar} reaches them.
 */
final class BenchData {
    /** Amazon Baby (interactions only) as shipped in the shared datasets. */
    static final int BABY_USERS = 19_445;
    static final int BABY_ITEMS = 7_050;
    static final int BABY_EDGES = 119_674;
    /** Fixed seed: every fork sees the same synthetic data, batches and features. */
    static final long SEED = 20261204L;

    private BenchData() {
    }

    /** The shared datasets directory (may not exist). */
    static Path sharedDir() {
        String p = System.getProperty("bm3.shared");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        Path fromRoot = Path.of("../shared/datasets");
        if (Files.isDirectory(fromRoot)) {
            return fromRoot;
        }
        Path fromBench = Path.of("../../shared/datasets");
        return Files.isDirectory(fromBench) ? fromBench : fromRoot;
    }

    /** Interaction rows (labels 0/1/2 = train/valid/test) of a graph. */
    record Interactions(String name, int nUsers, int nItems, int[] users, int[] items, byte[] labels) {
        /** The training pairs. */
        Split train() {
            int n = 0;
            for (byte l : labels) {
                if (l == 0) {
                    n++;
                }
            }
            int[] u = new int[n];
            int[] i = new int[n];
            for (int k = 0, w = 0; k < labels.length; k++) {
                if (labels[k] == 0) {
                    u[w] = users[k];
                    i[w++] = items[k];
                }
            }
            return new Split(u, i);
        }
    }

    /**
     * The Amazon Baby interactions from {@code baby.inter}, or (printed) a synthetic power-law
     * bipartite graph of the same size when the file is absent.
     */
    static Interactions babyOrSynthetic() {
        Path file = sharedDir().resolve("amazon_baby_interactions_only/baby.inter");
        if (Files.isRegularFile(file)) {
            InterTable t = InterReader.read(file);
            return new Interactions("baby", t.nUsers(), t.nItems(), t.users(), t.items(), t.labels());
        }
        System.out.println("NOTE: " + file.toAbsolutePath().normalize() + " not found (set -Dbm3.shared=DIR);"
                + " using a SYNTHETIC power-law graph of Baby's size instead");
        return powerLaw("baby-synthetic", BABY_USERS, BABY_ITEMS, BABY_EDGES, SEED);
    }

    /**
     * A bipartite graph with power-law item popularity (weight {@code (rank + 1)^-0.9}) and
     * Pareto user activity (alpha 2, at least one item), scaled to about {@code edges} distinct
     * pairs; all rows are training rows. Deterministic in {@code seed}.
     */
    static Interactions powerLaw(String name, int nUsers, int nItems, long edges, long seed) {
        // one stream for the item ranks, the user activity and the picks, in that order
        SplittableRandom rng = new SplittableRandom(seed);
        int[] itemOfRank = permutation(rng, nItems);
        int[] degrees = paretoDegrees(rng, nUsers, edges, Math.max(1, nItems / 4));
        return sample(name, nItems, degrees, itemOfRank, rng);
    }

    /**
     * Like {@link #powerLaw}, but every user's degree depends on {@code seed}, {@code nUsers},
     * {@code edges} and {@code degreeCap} only, and the degrees sum to exactly {@code edges}: the
     * same users with the same number of interactions at any catalogue size {@code nItems}
     * (which must be at least {@code degreeCap}), so steps per epoch are equal across sizes.
     */
    static Interactions powerLawFixedUsers(String name, int nUsers, int nItems, long edges, int degreeCap, long seed) {
        if (nItems < degreeCap || edges < nUsers || edges > (long) nUsers * degreeCap) {
            throw new IllegalArgumentException("cannot place " + edges + " edges for " + nUsers + " users with degrees in [1, "
                    + degreeCap + "] over " + nItems + " items");
        }
        int[] degrees = paretoDegrees(new SplittableRandom(seed), nUsers, edges, degreeCap);
        long diff = edges;
        for (int d : degrees) {
            diff -= d;
        }
        // rounding leaves the sum a little off: move it one edge at a time over the (i.i.d.) users
        for (int u = 0; diff != 0; u = (u + 1) % nUsers) {
            if (diff > 0 && degrees[u] < degreeCap) {
                degrees[u]++;
                diff--;
            } else if (diff < 0 && degrees[u] > 1) {
                degrees[u]--;
                diff++;
            }
        }
        SplittableRandom rng = new SplittableRandom(seed + 1);
        return sample(name, nItems, degrees, permutation(rng, nItems), rng);
    }

    /** Pareto(x_m = 1, alpha = 2) activity scaled to about {@code edges} in total, each degree in [1, cap]. */
    private static int[] paretoDegrees(SplittableRandom rng, int nUsers, long edges, int cap) {
        double[] activity = new double[nUsers];
        double activitySum = 0;
        for (int u = 0; u < nUsers; u++) {
            activity[u] = 1.0 / Math.sqrt(1.0 - rng.nextDouble());
            activitySum += activity[u];
        }
        int[] degrees = new int[nUsers];
        for (int u = 0; u < nUsers; u++) {
            degrees[u] = (int) Math.max(1, Math.min(cap, Math.round(activity[u] * edges / activitySum)));
        }
        return degrees;
    }

    /** For each user, {@code degrees[u]} distinct items drawn by popularity rank weight {@code (rank + 1)^-0.9}. */
    private static Interactions sample(String name, int nItems, int[] degrees, int[] itemOfRank, SplittableRandom rng) {
        int nUsers = degrees.length;
        double[] cumulative = new double[nItems];
        double total = 0;
        for (int r = 0; r < nItems; r++) {
            total += Math.pow(r + 1, -0.9);
            cumulative[r] = total;
        }
        long n = 0;
        for (int d : degrees) {
            n += d;
        }
        int[] users = new int[Math.toIntExact(n)];
        int[] items = new int[users.length];
        int w = 0;
        java.util.BitSet seen = new java.util.BitSet(nItems);
        for (int u = 0; u < nUsers; u++) {
            seen.clear();
            for (int have = 0; have < degrees[u]; ) {
                int r = Arrays.binarySearch(cumulative, rng.nextDouble() * total);
                int item = itemOfRank[Math.min(nItems - 1, r < 0 ? -r - 1 : r)];
                if (!seen.get(item)) {
                    seen.set(item);
                    users[w] = u;
                    items[w++] = item;
                    have++;
                }
            }
        }
        return new Interactions(name, nUsers, nItems, users, items, new byte[users.length]);
    }

    static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) {
            p[k] = k;
        }
        shuffle(p, rng);
        return p;
    }

    /** Fisher-Yates in place, from the last index down (the order every benchmark's draws follow). */
    static void shuffle(int[] a, SplittableRandom rng) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    /** The widths of Amazon Baby's features (4096-d image, 384-d text), for synthetic stand-ins. */
    static Map<String, Integer> babyFeatureWidths() {
        Map<String, Integer> w = new LinkedHashMap<>();
        w.put("image", 4096);
        w.put("text", 384);
        return w;
    }

    /** A {@code rows x cols} standard Gaussian feature matrix ("synthetic features"). */
    static FeatureMatrix gaussianFeatures(String name, int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] data = new float[Math.multiplyExact(rows, cols)];
        for (int k = 0; k < data.length; k++) {
            data[k] = (float) gaussian(rng);
        }
        return new FeatureMatrix(name, rows, cols, data);
    }

    /** The interactions with synthetic Gaussian modalities of the given widths (names {@code synth<d>}). */
    static Dataset withSyntheticFeatures(Interactions g, int... dims) {
        Map<String, Integer> named = new LinkedHashMap<>();
        for (int d : dims) {
            named.put("synth" + d, d);
        }
        return withSyntheticFeatures(g, named);
    }

    /**
     * The interactions with synthetic Gaussian modalities, name to width in order; the k-th
     * modality is drawn from seed {@code SEED + 17 + k}, so the values depend on position and
     * width, not on the name.
     */
    static Dataset withSyntheticFeatures(Interactions g, Map<String, Integer> named) {
        Map<String, FeatureMatrix> modalities = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, Integer> e : named.entrySet()) {
            modalities.put(e.getKey(), gaussianFeatures(e.getKey(), g.nItems(), e.getValue(), SEED + 17 + k++));
        }
        return DatasetLoader.fromArrays(g.name(), g.nUsers(), g.nItems(), g.users(), g.items(), g.labels(), modalities);
    }

    /**
     * Last.fm from {@code lastfm2k_mm} ({@code lfm2k.inter}, text = {@code all-MiniLM-L6-v2.npy},
     * audio = {@code whisper.npy}, as in the README's parity command), or (printed) a synthetic
     * dataset of Last.fm's size when absent.
     */
    static Dataset lastFmOrSynthetic() {
        Path dir = sharedDir().resolve("lastfm2k_mm");
        if (Files.isRegularFile(dir.resolve("lfm2k.inter"))) {
            Map<String, Path> modalities = new LinkedHashMap<>();
            modalities.put("text", Path.of("all-MiniLM-L6-v2.npy"));
            modalities.put("audio", Path.of("whisper.npy"));
            return DatasetLoader.load(dir, "lfm2k", modalities);
        }
        System.out.println("NOTE: " + dir.toAbsolutePath().normalize() + "/lfm2k.inter not found (set -Dbm3.shared=DIR);"
                + " using a SYNTHETIC dataset of Last.fm's size (not comparable with the reference)");
        return new SyntheticGenerator(new SyntheticGenerator.Config(1_858, 1_425, 30, 5, 16, 512, 384, 0.2, SEED)).generate();
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** {@code max |a - b|} over two tensors of one shape, as a double. */
    static double maxAbsDiff(Tensor a, Tensor b) {
        if (a.dim() != b.dim() || a.numel() != b.numel()) {
            throw new IllegalStateException("shapes differ: " + Arrays.toString(a.sizes().vec().get())
                    + " != " + Arrays.toString(b.sizes().vec().get()));
        }
        return a.sub(b).abs().max().item_double();
    }

    static double maxAbs(Tensor a) {
        return a.abs().max().item_double();
    }

    /** Throws naming both values when {@code diff > limit}. */
    static void requireClose(String what, double diff, double limit) {
        if (!(diff <= limit)) {
            throw new IllegalStateException("result check failed: " + what + " max-abs-diff " + diff + " > " + limit);
        }
        System.out.println("check ok: " + what + " max-abs-diff " + String.format(java.util.Locale.ROOT, "%.2e", diff)
                + " <= " + limit);
    }

    /** Keeps LibTorch's generator reproducible across forks. */
    static void seedTorch() {
        torch.manual_seed(SEED);
    }
}
