package dev.bm3.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** CSR SpMM and the LightGCN mean against LibTorch's sparse COO {@code mm}, the composite they replace. */
class SpmmKernelTest {
    private static final long SEED = 20240611L;
    private static final double TOL = 1e-5;

    @BeforeAll
    static void loaded() {
        assertTrue(Kernels.available(), Kernels.unavailableReason());
        assertEquals("", Kernels.unavailableReason());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 64, 100})
    void spmmMatchesSparseCooMm(int d) {
        SplittableRandom rng = new SplittableRandom(SEED + d);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 500, 300);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.cols(), d);
            Tensor y = Kernels.spmm(a, x);
            Tensor expected = torch.mm(g.toCoo(), x);
            double diff = TestGraphs.relDiff(y, expected);
            assertTrue(diff <= TOL, "d=" + d + ": relative difference " + diff);
        }
    }

    @Test
    void emptyRowsComeOutZeroEvenInADirtyBuffer() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 70, 40);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.cols(), 8);
            Tensor y = torch.full(new long[] {g.rows(), 8}, new Scalar(42f), new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Float));
            Kernels.spmm(a, x, y);
            float[] out = TestGraphs.toArray(y);
            int emptyRow = 3;  // user 3 is isolated by construction
            assertEquals(g.rowPtr()[emptyRow], g.rowPtr()[emptyRow + 1]);
            for (int k = 0; k < 8; k++) {
                assertEquals(0f, out[emptyRow * 8 + k]);
            }
        }
    }

    @Test
    void spmmIsIdenticalForOneAndTwoThreads() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 3000, 1000);
        int before = torch.get_num_threads();
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.cols(), 64);
            torch.set_num_threads(1);
            float[] one = TestGraphs.toArray(Kernels.spmm(a, x));
            torch.set_num_threads(2);
            float[] two = TestGraphs.toArray(Kernels.spmm(a, x));
            assertArrayEquals(one, two);
        } finally {
            torch.set_num_threads(before);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void lightGcnMeanMatchesRepeatedMm(int layers) {
        SplittableRandom rng = new SplittableRandom(SEED + layers);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 400, 250);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x0 = TestGraphs.randn(rng, g.rows(), 64);
            Tensor h = torch.empty_like(x0);
            Kernels.lightGcnMean(a, x0, layers, h, torch.empty_like(x0), torch.empty_like(x0));
            Tensor coo = g.toCoo();
            Tensor cur = x0;
            Tensor sum = x0.clone();
            for (int l = 0; l < layers; l++) {
                cur = torch.mm(coo, cur);
                sum = sum.add(cur);
            }
            Tensor expected = sum.div(new Scalar((double) (layers + 1)));
            double diff = TestGraphs.relDiff(h, expected);
            assertTrue(diff <= TOL, "L=" + layers + ": relative difference " + diff);
        }
    }

    /**
     * BM3's encoder on two blocks against the composite it replaces: cat, repeated sparse mm,
     * mean, the item residual E_I added to the item rows, and the row norms; its backward (the
     * same call) against autograd through that composite, regulariser included.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void lightGcnMeanBlocksMatchesTheComposite(int layers) {
        SplittableRandom rng = new SplittableRandom(SEED + 10 + layers);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 400, 250);
        int users = 400;
        int items = g.rows() - users;
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor eu = TestGraphs.randn(rng, users, 64).requires_grad_(true);
            Tensor ei = TestGraphs.randn(rng, items, 64).requires_grad_(true);
            Tensor coo = g.toCoo();
            Tensor x0 = torch.cat(new org.bytedeco.pytorch.TensorVector(eu, ei), 0);
            Tensor cur = x0;
            Tensor sum = x0;
            for (int l = 0; l < layers; l++) {
                cur = torch.mm(coo, cur);
                sum = sum.add(cur);
            }
            Tensor mean = sum.div(new Scalar((double) (layers + 1)));
            Tensor hu = mean.narrow(0, 0, users);
            Tensor hi = mean.narrow(0, users, items).add(ei);
            Tensor hu0 = torch.empty_like(eu);
            Tensor hi0 = torch.empty_like(ei);
            Tensor rowSq = torch.empty(new long[] {g.rows()}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Double),
                    new org.bytedeco.pytorch.MemoryFormatOptional());
            Kernels.lightGcnMeanBlocks(a, eu.detach(), ei.detach(), layers, true, hu0, hi0, torch.empty_like(x0),
                    torch.empty_like(x0), rowSq);
            assertTrue(TestGraphs.relDiff(hu0, hu) <= TOL, "L=" + layers + " users: " + TestGraphs.relDiff(hu0, hu));
            assertTrue(TestGraphs.relDiff(hi0, hi) <= TOL, "L=" + layers + " items: " + TestGraphs.relDiff(hi0, hi));
            Tensor expectedSq = torch.cat(new org.bytedeco.pytorch.TensorVector(hu, hi), 0).detach()
                    .to(torch.ScalarType.Double).pow(new Scalar(2)).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
            Tensor sqF = rowSq.to(torch.ScalarType.Float);
            Tensor expectedF = expectedSq.to(torch.ScalarType.Float);
            assertTrue(TestGraphs.relDiff(sqF, expectedF) <= TOL, "row norms: " + TestGraphs.relDiff(sqF, expectedF));

            // backward: L = <H, W> + ||H_U|| + ||H_I|| through autograd vs the same call on dL/dH
            Tensor wu = TestGraphs.randn(rng, users, 64);
            Tensor wi = TestGraphs.randn(rng, items, 64);
            hu.mul(wu).sum().add(hi.mul(wi).sum()).add(hu.norm()).add(hi.norm()).backward();
            Tensor gu = wu.add(hu.detach().div(hu.detach().norm()));
            Tensor gi = wi.add(hi.detach().div(hi.detach().norm()));
            Tensor du = torch.empty_like(gu);
            Tensor di = torch.empty_like(gi);
            Kernels.lightGcnMeanBlocks(a, gu, gi, layers, true, du, di, torch.empty_like(x0), torch.empty_like(x0), null);
            assertTrue(TestGraphs.relDiff(du, eu.grad()) <= TOL, "L=" + layers + " dE_U: " + TestGraphs.relDiff(du, eu.grad()));
            assertTrue(TestGraphs.relDiff(di, ei.grad()) <= TOL, "L=" + layers + " dE_I: " + TestGraphs.relDiff(di, ei.grad()));
        }
    }

    @Test
    void lightGcnMeanBlocksRejectsMismatchedBlocksAndAliasing() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 40, 25);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor eu = TestGraphs.randn(rng, 40, 8);
            Tensor ei = TestGraphs.randn(rng, 25, 8);
            Tensor short1 = TestGraphs.randn(rng, 24, 8);
            IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () ->
                    Kernels.lightGcnMeanBlocks(a, eu, short1, 1, true, torch.empty_like(eu), torch.empty_like(short1),
                            null, null, null));
            assertTrue(rows.getMessage().contains("40 + 24 rows"), rows.getMessage());
            IllegalArgumentException alias = assertThrows(IllegalArgumentException.class, () ->
                    Kernels.lightGcnMeanBlocks(a, eu, ei, 1, true, torch.empty_like(eu), ei, null, null, null));
            assertTrue(alias.getMessage().contains("share memory"), alias.getMessage());
        }
    }

    /** The custom-backward recipe: the gradient of x0 is the same kernel applied to dL/dh. */
    @Test
    void lightGcnMeanBackwardIsTheSameOperator() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 400, 250);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor coo = g.toCoo();
            Tensor x0 = TestGraphs.randn(rng, g.rows(), 64).requires_grad_(true);
            Tensor weights = TestGraphs.randn(rng, g.rows(), 64);
            Tensor l1 = torch.mm(coo, x0);
            Tensor l2 = torch.mm(coo, l1);
            Tensor h = x0.add(l1).add(l2).div(new Scalar(3.0));
            h.mul(weights).sum().backward();
            Tensor nativeGrad = torch.empty_like(weights);
            Kernels.lightGcnMean(a, weights, 2, nativeGrad, torch.empty_like(weights), null);
            double diff = TestGraphs.relDiff(nativeGrad, x0.grad());
            assertTrue(diff <= TOL, "relative difference " + diff);
        }
    }

    @Test
    void babyGraphMatchesSparseCooMm() throws Exception {
        TestGraphs.Csr g = TestGraphs.babyGraph();
        assertEquals(26_495, g.rows(), "19,445 users + 7,050 items");
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.rows(), 64);
            double diff = TestGraphs.relDiff(Kernels.spmm(a, x), torch.mm(g.toCoo(), x));
            assertTrue(diff <= TOL, "relative difference " + diff);
            Tensor h = torch.empty_like(x);
            Kernels.lightGcnMean(a, x, 2, h, torch.empty_like(x), null);
            Tensor coo = g.toCoo();
            Tensor l1 = torch.mm(coo, x);
            Tensor expected = x.add(l1).add(torch.mm(coo, l1)).div(new Scalar(3.0));
            double diffMean = TestGraphs.relDiff(h, expected);
            assertTrue(diffMean <= TOL, "L=2 mean: relative difference " + diffMean);
        }
    }

    @Test
    void rejectsColumnMismatch() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 20, 10);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.cols(), 3);
            Tensor y = TestGraphs.randn(rng, g.rows(), 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.spmm(a, x, y));
            assertEquals("x has 3 columns, y has 4", e.getMessage());
        }
    }

    @Test
    void rejectsRowMismatchAndWrongDtypeAndNonContiguous() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 20, 10);
        try (PointerScope s = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor shortX = TestGraphs.randn(rng, g.cols() - 1, 4);
            assertEquals("x has 29 rows, the matrix has 30 columns",
                    assertThrows(IllegalArgumentException.class, () -> Kernels.spmm(a, shortX)).getMessage());
            Tensor doubles = TestGraphs.randn(rng, g.cols(), 4).to(torch.ScalarType.Double);
            assertEquals("x is Double, expected Float",
                    assertThrows(IllegalArgumentException.class, () -> Kernels.spmm(a, doubles)).getMessage());
            Tensor transposed = TestGraphs.randn(rng, 4, g.cols()).t();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Kernels.spmm(a, transposed))
                    .getMessage().contains("not contiguous"));
            Tensor x = TestGraphs.randn(rng, g.cols(), 4);
            assertEquals("x and y share memory",
                    assertThrows(IllegalArgumentException.class, () -> Kernels.spmm(a, x, x)).getMessage());
        }
    }

    @Test
    void rejectsMalformedCsr() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.copyOf(2, 2, new int[] {0, 1, 2}, new int[] {0, 2}, new float[] {1f, 1f}));
        assertEquals("invalid CSR matrix (2 x 2, nnz 2): colIdx[1] = 2 is outside [0, 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.copyOf(2, 2, new int[] {0, 2, 1}, new int[] {0, 1}, new float[] {1f, 1f}));
        assertTrue(e.getMessage().contains("rowPtr decreases at 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.copyOf(2, 2, new int[] {0, 1}, new int[] {0}, new float[] {1f}));
        assertEquals("rowPtr has 2 entries, expected rows + 1 = 3", e.getMessage());
    }

    @Test
    void csrMatrixOutlivesThePointerScopeItWasBuiltIn() {
        SplittableRandom rng = new SplittableRandom(SEED);
        TestGraphs.Csr g = TestGraphs.randomBipartite(rng, 50, 30);
        CsrMatrix a;
        try (PointerScope s = new PointerScope()) {
            a = g.toNative();
        }
        try (PointerScope s = new PointerScope(); a) {
            Tensor x = TestGraphs.randn(rng, g.cols(), 16);
            assertTrue(TestGraphs.relDiff(Kernels.spmm(a, x), torch.mm(g.toCoo(), x)) <= TOL);
        }
        assertThrows(IllegalStateException.class, () -> Kernels.spmm(a, TestGraphs.randn(rng, g.cols(), 16)));
    }
}
