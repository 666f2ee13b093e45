package dev.bm3.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Test-side graph and tensor helpers. The normalised adjacency is built here from SPEC
 * section 2 on purpose (not with dev.bm3.graph), so the kernel tests depend on nothing else.
 */
final class TestGraphs {
    static final Path BABY = Path.of("..", "shared", "datasets", "amazon_baby_interactions_only", "baby.inter");

    private TestGraphs() {
    }

    /** Plain CSR arrays. */
    record Csr(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
        CsrMatrix toNative() {
            return CsrMatrix.copyOf(rows, cols, rowPtr, colIdx, values);
        }

        /** The same matrix as a LibTorch sparse COO tensor: the composite the kernel replaces. */
        Tensor toCoo() {
            long nnz = colIdx.length;
            long[] idx = new long[(int) (2 * nnz)];
            for (int i = 0; i < rows; i++) {
                for (int j = rowPtr[i]; j < rowPtr[i + 1]; j++) {
                    idx[j] = i;
                    idx[(int) nnz + j] = colIdx[j];
                }
            }
            Tensor indices = longs(idx, 2, nnz);
            Tensor vals = floats(values, nnz);
            return torch.sparse_coo_tensor(indices, vals, rows, cols).coalesce();
        }
    }

    /** A copy of Java data as an owned float32 tensor. */
    static Tensor floats(float[] data, long... shape) {
        return torch.from_blob(new FloatPointer(data), shape, new TensorOptions(ScalarType.Float)).clone();
    }

    static Tensor longs(long[] data, long... shape) {
        return torch.from_blob(new LongPointer(data), shape, new TensorOptions(ScalarType.Long)).clone();
    }

    static Tensor randn(SplittableRandom rng, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) gaussian(rng);
        }
        return floats(v, rows, cols);
    }

    static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble(), w = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
    }

    static float[] toArray(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** max |a - b| / max |b|: norm-wise relative difference, robust to entries near zero. */
    static double relDiff(Tensor actual, Tensor expected) {
        float[] a = toArray(actual), b = toArray(expected);
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs((double) a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return den > 0 ? num / den : num;
    }

    /**
     * Â = D^-1/2 A D^-1/2 of the bipartite graph over U + I nodes, per SPEC section 2:
     * duplicates collapse, deg = row sum + 1e-7, isolated nodes get empty rows.
     */
    static Csr normalizedBipartite(int users, int items, int[] pairUser, int[] pairItem) {
        int n = users + items;
        List<TreeSet<Integer>> adj = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adj.add(new TreeSet<>());
        }
        for (int k = 0; k < pairUser.length; k++) {
            adj.get(pairUser[k]).add(users + pairItem[k]);
            adj.get(users + pairItem[k]).add(pairUser[k]);
        }
        double[] deg = new double[n];
        int nnz = 0;
        for (int i = 0; i < n; i++) {
            deg[i] = adj.get(i).size() + 1e-7;
            nnz += adj.get(i).size();
        }
        int[] rowPtr = new int[n + 1];
        int[] col = new int[nnz];
        float[] val = new float[nnz];
        int at = 0;
        for (int i = 0; i < n; i++) {
            for (int j : adj.get(i)) {
                col[at] = j;
                val[at] = (float) (1.0 / Math.sqrt(deg[i]) / Math.sqrt(deg[j]));
                at++;
            }
            rowPtr[i + 1] = at;
        }
        return new Csr(n, n, rowPtr, col, val);
    }

    /** A random bipartite graph with heavy-tailed user degrees and isolated users and items. */
    static Csr randomBipartite(SplittableRandom rng, int users, int items) {
        List<int[]> pairs = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            if (u % 7 == 3) {
                continue;  // isolated user: an empty row
            }
            int deg = 1 + (int) Math.floor(Math.pow(rng.nextDouble(), -1.2));
            for (int k = 0; k < Math.min(deg, items); k++) {
                // the last item is never drawn: an isolated item
                pairs.add(new int[] {u, (int) Math.floor(Math.pow(rng.nextDouble(), 2) * (items - 1))});
            }
        }
        int[] pu = pairs.stream().mapToInt(p -> p[0]).toArray();
        int[] pi = pairs.stream().mapToInt(p -> p[1]).toArray();
        return normalizedBipartite(users, items, pu, pi);
    }

    /** Amazon Baby training graph (x_label == 0); skips the test when ../shared is absent. */
    static Csr babyGraph() throws IOException {
        assumeTrue(Files.isReadable(BABY), "Amazon Baby data not found at " + BABY.toAbsolutePath()
                + " (needs the shared datasets next to the repository); skipping");
        int[] us = new int[200_000], is = new int[200_000];
        int n = 0, maxUser = -1, maxItem = -1;
        try (BufferedReader r = Files.newBufferedReader(BABY, StandardCharsets.UTF_8)) {
            String[] header = r.readLine().split("\t");
            int cu = Arrays.asList(header).indexOf("userID");
            int ci = Arrays.asList(header).indexOf("itemID");
            int cx = Arrays.asList(header).indexOf("x_label");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t");
                int u = Integer.parseInt(f[cu]), i = Integer.parseInt(f[ci]);
                maxUser = Math.max(maxUser, u);
                maxItem = Math.max(maxItem, i);  // over ALL rows (SPEC section 1)
                if (Integer.parseInt(f[cx]) == 0) {
                    if (n == us.length) {
                        us = Arrays.copyOf(us, 2 * n);
                        is = Arrays.copyOf(is, 2 * n);
                    }
                    us[n] = u;
                    is[n] = i;
                    n++;
                }
            }
        }
        return normalizedBipartite(maxUser + 1, maxItem + 1, Arrays.copyOf(us, n), Arrays.copyOf(is, n));
    }
}
