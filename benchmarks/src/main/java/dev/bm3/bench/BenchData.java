package dev.bm3.bench;

import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.InterReader;
import dev.bm3.data.InterTable;
import dev.bm3.data.Split;
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
        SplittableRandom rng = new SplittableRandom(seed);
        double[] cumulative = new double[nItems];
        int[] itemOfRank = permutation(rng, nItems);
        double total = 0;
        for (int r = 0; r < nItems; r++) {
            total += Math.pow(r + 1, -0.9);
            cumulative[r] = total;
        }
        double[] activity = new double[nUsers];
        double activitySum = 0;
        for (int u = 0; u < nUsers; u++) {
            activity[u] = 1.0 / Math.sqrt(1.0 - rng.nextDouble());  // Pareto(x_m = 1, alpha = 2)
            activitySum += activity[u];
        }
        int cap = Math.max(1, nItems / 4);
        int[][] byUser = new int[nUsers][];
        long n = 0;
        for (int u = 0; u < nUsers; u++) {
            int degree = (int) Math.max(1, Math.min(cap, Math.round(activity[u] * edges / activitySum)));
            int[] picked = new int[degree];
            int have = 0;
            java.util.BitSet seen = new java.util.BitSet(nItems);
            while (have < degree) {
                int r = Arrays.binarySearch(cumulative, rng.nextDouble() * total);
                int item = itemOfRank[Math.min(nItems - 1, r < 0 ? -r - 1 : r)];
                if (!seen.get(item)) {
                    seen.set(item);
                    picked[have++] = item;
                }
            }
            byUser[u] = picked;
            n += degree;
        }
        int[] users = new int[Math.toIntExact(n)];
        int[] items = new int[users.length];
        int w = 0;
        for (int u = 0; u < nUsers; u++) {
            for (int i : byUser[u]) {
                users[w] = u;
                items[w++] = i;
            }
        }
        return new Interactions(name, nUsers, nItems, users, items, new byte[users.length]);
    }

    static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) {
            p[k] = k;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            int t = p[k];
            p[k] = p[j];
            p[j] = t;
        }
        return p;
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
        Map<String, FeatureMatrix> modalities = new LinkedHashMap<>();
        for (int k = 0; k < dims.length; k++) {
            String name = "synth" + dims[k];
            modalities.put(name, gaussianFeatures(name, g.nItems(), dims[k], SEED + 17 + k));
        }
        return DatasetLoader.fromArrays(g.name(), g.nUsers(), g.nItems(), g.users(), g.items(), g.labels(), modalities);
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
