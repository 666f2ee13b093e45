package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code train_mode=fast} against exact mode: for the same parameters the loss and every gradient
 * are exact mode's (the feature gradient restricted to the batch's rows, zero elsewhere), so the
 * first Adam step lands on the same parameters; afterwards only the lazy update of feature rows
 * a step did not touch differs. Plus the lazy Adam's native kernel against its LibTorch composite.
 */
class FastModeTest {
    /** Created at class initialisation, outside any PointerScope (a scope would free it). */
    static final org.bytedeco.pytorch.Device CPU = TorchRuntime.device("cpu");

    static TrainConfig config(String mode, double dropout) {
        return TrainConfig.fromMap(Map.of("n_layers", 2, "dropout", dropout, "train_mode", mode), "t");
    }

    /** Relative max-abs difference of two float arrays (against the larger magnitude). */
    static void assertClose(float[] want, float[] got, double rel, String what) {
        assertEquals(want.length, got.length, what + " size");
        double scale = 0;
        double diff = 0;
        for (int e = 0; e < want.length; e++) {
            scale = Math.max(scale, Math.abs(want[e]));
            diff = Math.max(diff, Math.abs(want[e] - got[e]));
        }
        assertTrue(diff <= rel * scale + 1e-9, what + ": max |diff| " + diff + " vs max | | " + scale);
    }

    /**
     * Native kernels with dropout 0.5 (their masks are keyed by item id, so the draws are the
     * same), LibTorch kernels with dropout 0 (LibTorch's generator draws over other shapes).
     */
    @ParameterizedTest
    @CsvSource({"true, 0.5", "false, 0.0"})
    void lossAndGradientsEqualExactMode(boolean nativeKernels, double dropout) {
        assumeTrue(!nativeKernels || Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = NativeKernelParityTest.data();
        int[][] b = NativeKernelParityTest.batch(d, 400, 5);
        try (Bm3Model exact = NativeKernelParityTest.model(d, config("exact", dropout), nativeKernels);
             Bm3Model fast = NativeKernelParityTest.model(d, config("fast", dropout), nativeKernels);
             PointerScope s = new PointerScope()) {
            double le = exact.computeGradients(b[0], b[1]);
            double lf = fast.computeGradients(b[0], b[1]);
            assertEquals(le, lf, 1e-5 * Math.abs(le), "loss");
            long[] rows = new long[(int) fast.stepRows().numel()];
            fast.stepRows().contiguous().data_ptr_long().get(rows);
            assertArrayEquals(Arrays.stream(b[1]).distinct().sorted().mapToLong(x -> x).toArray(), rows,
                    "fast mode projects exactly the batch's unique items");
            List<String> names = exact.parameterNames();
            List<Tensor> pe = exact.parameters();
            List<Tensor> pf = fast.parameters();
            List<Tensor> rowGrads = fast.featureRowGradients();
            int modality = 0;
            for (int k = 0; k < names.size(); k++) {
                Tensor ge = pe.get(k).grad();
                if (names.get(k).endsWith(".features")) {
                    assertFalse(pf.get(k).grad().defined(), "fast mode keeps no catalogue-sized feature gradient");
                    Tensor rowIndex = fast.stepRows();
                    assertClose(Tensors.toFloats(ge.index_select(0, rowIndex)), Tensors.toFloats(rowGrads.get(modality)),
                            1e-5, names.get(k) + " rows");
                    Tensor rest = ge.clone().index_fill_(0, rowIndex, new org.bytedeco.pytorch.Scalar(0.0));
                    assertEquals(0.0, rest.abs().max().item_double(), 0.0, names.get(k) + " is zero off the batch");
                    modality++;
                } else {
                    assertClose(Tensors.toFloats(ge), Tensors.toFloats(pf.get(k).grad()), 1e-5, names.get(k));
                }
            }
            assertEquals(d.modalities().size(), modality);
        }
    }

    /**
     * Step 1 of Adam moves only rows with a gradient, so both modes land on the same parameters.
     * A row without a gradient in step 2 keeps its step-1 value in fast mode (exact mode moves it
     * through its momentum) until a batch touches it again: then it catches up, and the step
     * reads what exact mode holds.
     */
    @Test
    void untouchedRowsCatchUpWithExactModeWhenABatchReadsThem() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = NativeKernelParityTest.data();
        int[][] first = NativeKernelParityTest.batch(d, 300, 0);
        int[][] second = NativeKernelParityTest.batch(d, 300, 1);
        int[][] everyItem = new int[2][d.nItems()];
        for (int i = 0; i < d.nItems(); i++) {
            everyItem[0][i] = i % d.nUsers();
            everyItem[1][i] = i;
        }
        try (Bm3Model exact = NativeKernelParityTest.model(d, config("exact", 0.5), true);
             Bm3Model fast = NativeKernelParityTest.model(d, config("fast", 0.5), true)) {
            List<String> names = exact.parameterNames();
            int features = names.indexOf(names.stream().filter(n -> n.endsWith(".features")).findFirst().orElseThrow());
            int cols = (int) fast.parameters().get(features).size(1);
            List<float[]> before = snapshot(fast);
            try (PointerScope s = new PointerScope()) {
                exact.trainStep(first[0], first[1]);
                fast.trainStep(first[0], first[1]);
            }
            List<float[]> afterFirst = snapshot(fast);
            List<float[]> pe = snapshot(exact);
            for (int k = 0; k < names.size(); k++) {
                assertClose(pe.get(k), afterFirst.get(k), 1e-6, names.get(k) + " after step 1");
            }
            boolean[] inFirst = rowsOf(first[1], d.nItems());
            boolean[] inSecond = rowsOf(second[1], d.nItems());
            for (int r = 0; r < d.nItems(); r++) {
                boolean changed = !Arrays.equals(before.get(features), r * cols, (r + 1) * cols,
                        afterFirst.get(features), r * cols, (r + 1) * cols);
                assertEquals(inFirst[r], changed, "row " + r + " moves in step 1 iff the batch holds it");
            }
            try (PointerScope s = new PointerScope()) {
                exact.trainStep(second[0], second[1]);
                fast.trainStep(second[0], second[1]);
            }
            float[] exactAfter = snapshot(exact).get(features);
            float[] fastAfter = snapshot(fast).get(features);
            int waiting = 0;
            for (int r = 0; r < d.nItems(); r++) {
                if (inFirst[r] && !inSecond[r]) {
                    waiting++;
                    assertTrue(Arrays.equals(afterFirst.get(features), r * cols, (r + 1) * cols, fastAfter, r * cols, (r + 1) * cols),
                            "fast mode leaves row " + r + " (no gradient in step 2) until a batch reads it");
                    assertFalse(Arrays.equals(afterFirst.get(features), r * cols, (r + 1) * cols, exactAfter, r * cols, (r + 1) * cols),
                            "exact mode moves row " + r + " through its momentum");
                }
            }
            assertTrue(waiting > 0, "the two batches must differ for this test to mean anything");
            // step 3 reads every row: fast mode's gather sees each as exact mode holds it (the
            // table itself catches up in the step's update, which computeGradients does not take)
            try (PointerScope s = new PointerScope()) {
                double le = exact.computeGradients(everyItem[0], everyItem[1]);
                double lf = fast.computeGradients(everyItem[0], everyItem[1]);
                assertEquals(le, lf, 1e-5 * Math.abs(le), "step 3 loss");
                List<float[]> pe3 = snapshot(exact);
                List<float[]> pf3 = snapshot(fast);
                List<Tensor> read = fast.featureRowsRead();
                int modality = 0;
                for (int k = 0; k < names.size(); k++) {
                    if (names.get(k).endsWith(".features")) {
                        Tensor exactRows = exact.parameters().get(k).index_select(0, fast.stepRows());
                        assertClose(Tensors.toFloats(exactRows), Tensors.toFloats(read.get(modality++)), 1e-5,
                                names.get(k) + " rows as step 3 reads them");
                    } else {
                        assertClose(pe3.get(k), pf3.get(k), 1e-5, names.get(k) + " as step 3 reads it");
                    }
                }
                assertEquals(d.modalities().size(), modality);
            }
        }
    }

    static boolean[] rowsOf(int[] items, int n) {
        boolean[] in = new boolean[n];
        for (int i : items) {
            in[i] = true;
        }
        return in;
    }

    static List<float[]> snapshot(Bm3Model m) {
        List<float[]> out = new ArrayList<>();
        try (PointerScope s = new PointerScope()) {
            for (Tensor p : m.parameters()) {
                out.add(Tensors.toFloats(p));
            }
        }
        return out;
    }

    /**
     * The kernel against the composite it replaces, and both against dense Adam fed zero
     * gradients for the rows a step does not touch: rows read after a catch-up hold dense Adam's
     * values.
     */
    @Test
    void rowSparseAdamIsDenseAdamWhereRowsAreRead() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(3);
            Tensor a = Tensors.keep(torch.randn(50, 33));
            Tensor b = Tensors.keep(a.clone());
            Tensor dense = Tensors.keep(a.clone());
            Tensor dm = Tensors.keep(torch.zeros_like(a));
            Tensor dv = Tensors.keep(torch.zeros_like(a));
            try (RowSparseAdam nat = new RowSparseAdam.Native(List.of(a), 1e-2);
                 RowSparseAdam ref = new RowSparseAdam.Torch(List.of(b), 1e-2)) {
                long[][] steps = {{0, 3, 49}, {3, 4}, {0, 3, 10, 11, 12}, {}, {49}, {0, 4, 10, 49}};
                long step = 0;
                for (long[] rows : steps) {
                    step++;
                    Tensor idx = Tensors.fromLongs(rows, CPU);
                    // the gather (fast mode's read) sees what the catch-up will write, state untouched
                    Tensor readNat = torch.randn(rows.length, 33);
                    Tensor readRef = torch.randn(rows.length, 33);
                    float[] before = Tensors.toFloats(a);
                    nat.gather(0, idx, readNat);
                    ref.gather(0, idx, readRef);
                    assertArrayEquals(before, Tensors.toFloats(a), "gather leaves the table alone");
                    nat.catchUp(0, idx);
                    ref.catchUp(0, idx);
                    if (rows.length > 0) {
                        assertArrayEquals(Tensors.toFloats(a.index_select(0, idx)), Tensors.toFloats(readNat),
                                "native gather = catch-up, bit for bit, at step " + step);
                        assertClose(Tensors.toFloats(b.index_select(0, idx)), Tensors.toFloats(readRef), 1e-6,
                                "composite gather at step " + step);
                    }
                    for (long r : rows) {
                        assertClose(Tensors.toFloats(dense.select(0, r)), Tensors.toFloats(a.select(0, r)), 1e-6,
                                "row " + r + " read at step " + step);
                    }
                    Tensor g = torch.randn(rows.length, 33);
                    nat.step(0, idx, g);
                    ref.step(0, idx, g);
                    Tensor full = torch.zeros_like(a);
                    if (rows.length > 0) {
                        full.index_copy_(0, idx, g);
                    }
                    Kernels.adamStep(dense, full, dm, dv, 1e-2, 0.9, 0.999, 1e-8, step);
                }
                assertClose(Tensors.toFloats(b), Tensors.toFloats(a), 1e-6, "kernel vs composite: parameters");
                assertClose(Tensors.toFloats(ref.expAvgSq.get(0)), Tensors.toFloats(nat.expAvgSq.get(0)), 1e-6, "second moments");
                long[] last = new long[50];
                nat.lastStep.get(0).data_ptr_long().get(last);
                assertEquals(6, last[49], "row 49 was brought up to date at step 6");
                assertEquals(3, last[12], "row 12 last at step 3");
                assertEquals(0, last[1], "row 1 never");
                assertEquals(0.0, nat.lastStep.get(0).sub(ref.lastStep.get(0)).abs().max().item_double(), 0.0);
            } finally {
                dv.close();
                dm.close();
                dense.close();
                b.close();
                a.close();
            }
        }
    }

    /** Save the training state mid-run, continue, reload and continue: the same parameters. */
    @Test
    void trainingStateRoundTripsInFastMode(@TempDir Path dir) {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = NativeKernelParityTest.data();
        TrainConfig c = config("fast", 0.5);
        Path state = dir.resolve("state.pt");
        List<float[]> straight;
        try (Bm3Model m = NativeKernelParityTest.model(d, c, true)) {
            for (int step = 0; step < 3; step++) {
                train(m, d, step);
            }
            m.saveTrainingState(state);
            for (int step = 3; step < 6; step++) {
                train(m, d, step);
            }
            straight = snapshot(m);
        }
        try (Bm3Model m = NativeKernelParityTest.model(d, c.withSeed(c.seed()), true)) {
            train(m, d, 99); // disturb parameters, moments and the draw counter: load must restore them all
            m.loadTrainingState(state);
            for (int step = 3; step < 6; step++) {
                train(m, d, step);
            }
            List<float[]> resumed = snapshot(m);
            for (int k = 0; k < straight.size(); k++) {
                assertArrayEquals(straight.get(k), resumed.get(k), m.parameterNames().get(k));
            }
        }
    }

    static void train(Bm3Model m, Dataset d, int step) {
        int[][] b = NativeKernelParityTest.batch(d, 128, step * 31);
        try (PointerScope s = new PointerScope()) {
            m.trainStep(b[0], b[1]);
        }
    }

    @Test
    void uniqueWithInverse() {
        int[][] u = Bm3Model.uniqueWithInverse(new int[] {7, 3, 7, 0, 3});
        assertArrayEquals(new int[] {0, 3, 7}, u[0]);
        assertArrayEquals(new int[] {2, 1, 2, 0, 1}, u[1]);
    }
}
