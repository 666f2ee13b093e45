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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused bootstrap loss against its LibTorch composite:
 * {@code 1 - cosine_similarity(P[pIdx], T[tIdx], 1, 1e-8).mean()}, gradient of P by autograd.
 */
class BootstrapLossKernelTest {
    private static final long SEED = 999L;
    private static final double TOL = 1e-5;

    @BeforeAll
    static void loaded() {
        assertTrue(Kernels.available(), Kernels.unavailableReason());
    }

    /** Indices with deliberate repeats: every third entry reuses an earlier row. */
    static long[] indicesWithDuplicates(SplittableRandom rng, int batch, int rows) {
        long[] idx = new long[batch];
        for (int b = 0; b < batch; b++) {
            idx[b] = b % 3 == 2 ? idx[b / 2] : rng.nextInt(rows);
        }
        return idx;
    }

    record Composite(float loss, Tensor gradP) {
    }

    static Composite composite(Tensor p, Tensor pIdx, Tensor t, Tensor tIdx, double scale) {
        Tensor leaf = p.detach().clone().requires_grad_(true);
        Tensor cos = torch.cosine_similarity(leaf.index_select(0, pIdx), t.index_select(0, tIdx), 1, 1e-8);
        Tensor loss = torch.rsub(cos.mean(), new Scalar(1.0), new Scalar(1.0));
        loss.mul(new Scalar(scale)).backward();
        return new Composite(loss.item_float(), leaf.grad().clone());
    }

    @ParameterizedTest
    @CsvSource({"2048, 64, 1.0", "4096, 100, 1.0", "256, 64, 2.0", "1, 64, 1.0", "37, 13, 1.0", "5, 1, 1.0"})
    void lossAndGradientMatchAutograd(int batch, int d, float scale) {
        SplittableRandom rng = new SplittableRandom(SEED + batch);
        int pRows = Math.max(4, batch / 2), tRows = Math.max(4, batch);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, pRows, d);
            Tensor t = TestGraphs.randn(rng, tRows, d);
            Tensor pIdx = TestGraphs.longs(indicesWithDuplicates(rng, batch, pRows), batch);
            Tensor tIdx = TestGraphs.longs(indicesWithDuplicates(rng, batch, tRows), batch);
            Composite expected = composite(p, pIdx, t, tIdx, scale);
            Tensor grad = torch.empty_like(p).zero_();
            float loss = Kernels.bootstrapLoss(p, pIdx, t, tIdx, scale, grad);
            assertEquals(expected.loss(), loss, TOL * Math.max(1, Math.abs(expected.loss())), "loss");
            double diff = TestGraphs.relDiff(grad, expected.gradP());
            assertTrue(diff <= TOL, "gradient relative difference " + diff);
        }
    }

    @Test
    void int32IndicesGiveTheSameResult() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 100, 64);
            Tensor t = TestGraphs.randn(rng, 80, 64);
            Tensor pIdx = TestGraphs.longs(indicesWithDuplicates(rng, 300, 100), 300);
            Tensor tIdx = TestGraphs.longs(indicesWithDuplicates(rng, 300, 80), 300);
            Tensor g64 = torch.empty_like(p).zero_();
            Tensor g32 = torch.empty_like(p).zero_();
            float l64 = Kernels.bootstrapLoss(p, pIdx, t, tIdx, 1f, g64);
            float l32 = Kernels.bootstrapLoss(p, pIdx.to(torch.ScalarType.Int), t, tIdx.to(torch.ScalarType.Int), 1f, g32);
            assertEquals(l64, l32);
            assertArrayEquals(TestGraphs.toArray(g64), TestGraphs.toArray(g32));
        }
    }

    /** BM3 sums several loss terms into one gradient: the kernel adds, it does not overwrite. */
    @Test
    void gradientAccumulatesAcrossCalls() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 60, 32);
            Tensor t1 = TestGraphs.randn(rng, 50, 32);
            Tensor t2 = TestGraphs.randn(rng, 70, 32);
            Tensor pIdx = TestGraphs.longs(indicesWithDuplicates(rng, 64, 60), 64);
            Tensor t1Idx = TestGraphs.longs(indicesWithDuplicates(rng, 64, 50), 64);
            Tensor t2Idx = TestGraphs.longs(indicesWithDuplicates(rng, 64, 70), 64);
            Tensor grad = torch.empty_like(p).zero_();
            Kernels.bootstrapLoss(p, pIdx, t1, t1Idx, 1f, grad);
            Kernels.bootstrapLoss(p, pIdx, t2, t2Idx, 2f, grad);
            Tensor expected = composite(p, pIdx, t1, t1Idx, 1).gradP().add(composite(p, pIdx, t2, t2Idx, 2).gradP());
            assertTrue(TestGraphs.relDiff(grad, expected) <= TOL);
        }
    }

    @Test
    void withoutIndicesTheRowsArePairedAsGiven() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 40, 64);
            Tensor t = TestGraphs.randn(rng, 40, 64);
            Tensor identity = torch.arange(new Scalar(40));
            Composite expected = composite(p, identity, t, identity, 1);
            Tensor grad = torch.empty_like(p).zero_();
            assertEquals(expected.loss(), Kernels.bootstrapLoss(p, null, t, null, 1f, grad), TOL);
            assertTrue(TestGraphs.relDiff(grad, expected.gradP()) <= TOL);
            assertEquals(expected.loss(), Kernels.bootstrapLoss(p, null, t, null, 1f, null), TOL, "loss only");
        }
    }

    @Test
    void zeroRowsBehaveAsInPyTorch() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 6, 9);
            Tensor t = TestGraphs.randn(rng, 6, 9);
            p.select(0, 2).zero_();
            t.select(0, 4).zero_();
            Tensor idx = TestGraphs.longs(new long[] {0, 1, 2, 3, 4, 2}, 6);
            Tensor tIdx = TestGraphs.longs(new long[] {0, 1, 2, 3, 4, 5}, 6);
            Composite expected = composite(p, idx, t, tIdx, 1);
            Tensor grad = torch.empty_like(p).zero_();
            assertEquals(expected.loss(), Kernels.bootstrapLoss(p, idx, t, tIdx, 1f, grad), TOL);
            assertTrue(TestGraphs.relDiff(grad, expected.gradP()) <= TOL);
        }
    }

    @Test
    void rejectsOutOfRangeIndexWithoutTouchingTheGradient() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 10, 8);
            Tensor t = TestGraphs.randn(rng, 10, 8);
            Tensor pIdx = TestGraphs.longs(new long[] {0, 1, 10}, 3);
            Tensor tIdx = TestGraphs.longs(new long[] {0, 1, 2}, 3);
            Tensor grad = torch.empty_like(p).zero_();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, pIdx, t, tIdx, 1f, grad));
            assertEquals("pIndex[2] = 10 is outside [0, 10)", e.getMessage());
            assertEquals(0.0, grad.abs().sum().item_double());
        }
    }

    @Test
    void rejectsShapeAndDtypeMismatches() {
        SplittableRandom rng = new SplittableRandom(SEED);
        try (PointerScope s = new PointerScope()) {
            Tensor p = TestGraphs.randn(rng, 10, 3);
            Tensor t = TestGraphs.randn(rng, 10, 4);
            Tensor idx = TestGraphs.longs(new long[] {0, 1}, 2);
            assertEquals("p has 3 columns, t has 4", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, idx, t, idx, 1f, null)).getMessage());
            Tensor t3 = TestGraphs.randn(rng, 10, 3);
            Tensor shortIdx = TestGraphs.longs(new long[] {0}, 1);
            assertEquals("pIndex has 2 entries, tIndex has 1", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, idx, t3, shortIdx, 1f, null)).getMessage());
            assertEquals("pIndex is Long, tIndex is Int", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, idx, t3, idx.to(torch.ScalarType.Int), 1f, null)).getMessage());
            Tensor floatIdx = idx.to(torch.ScalarType.Float);
            assertEquals("pIndex is Float, expected Long or Int", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, floatIdx, t3, idx, 1f, null)).getMessage());
            Tensor wrongGrad = TestGraphs.randn(rng, 9, 3);
            assertEquals("gradP is 9 x 3, p is 10 x 3", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, idx, t3, idx, 1f, wrongGrad)).getMessage());
            assertEquals("p and gradP share memory", assertThrows(IllegalArgumentException.class,
                    () -> Kernels.bootstrapLoss(p, idx, t3, idx, 1f, p)).getMessage());
        }
    }
}
