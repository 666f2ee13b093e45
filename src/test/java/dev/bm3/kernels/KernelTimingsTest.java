package dev.bm3.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Rough timings of the kernels against the LibTorch composites they replace, printed, never
 * asserted (machines differ; a JMH benchmark belongs in benchmarks/). Off by default so the
 * normal test run stays quick:
 * {@code mvn -o -q test -Dtest=KernelTimingsTest -Dbm3.timings=true [-Dbm3.timings.threads=2]}.
 * Each figure is the median of many runs after a warm-up; 2 threads as in the reference setup.
 */
class KernelTimingsTest {
    private static final int THREADS = Integer.getInteger("bm3.timings.threads", 2);

    interface Body {
        void run();
    }

    /** "median (min)" milliseconds; every run in its own PointerScope so temporaries are freed. */
    static double[] timeMs(int warmup, int runs, Body body) {
        for (int i = 0; i < warmup; i++) {
            try (PointerScope s = new PointerScope()) {
                body.run();
            }
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (PointerScope s = new PointerScope()) {
                long t0 = System.nanoTime();
                body.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        return new double[] {ms[runs / 2], ms[0]};
    }

    private static String f(double[] t) {
        return String.format("%.3f (%.3f)", t[0], t[1]);
    }

    @Test
    void printTimings() throws Exception {
        assumeTrue(Boolean.getBoolean("bm3.timings"), "timings are off; run with -Dbm3.timings=true");
        TestGraphs.Csr g = TestGraphs.babyGraph();
        int before = torch.get_num_threads();
        torch.set_num_threads(THREADS);
        SplittableRandom rng = new SplittableRandom(7);
        try (PointerScope outer = new PointerScope(); CsrMatrix a = g.toNative()) {
            Tensor x = TestGraphs.randn(rng, g.rows(), 64);
            Tensor y = torch.empty_like(x);
            Tensor coo = g.toCoo();
            Tensor scratch = torch.empty_like(x);
            double[] nativeSpmm = timeMs(10, 60, () -> Kernels.spmm(a, x, y));
            double[] cooMm = timeMs(5, 30, () -> torch.mm(coo, x));
            double[] nativeMean2 = timeMs(5, 30, () -> Kernels.lightGcnMean(a, x, 2, y, scratch, null));
            double[] cooMean2 = timeMs(5, 20, () -> {
                Tensor l1 = torch.mm(coo, x);
                x.add(l1).add(torch.mm(coo, l1)).div(new Scalar(3.0));
            });
            assertTrue(TestGraphs.relDiff(Kernels.spmm(a, x), torch.mm(coo, x)) <= 1e-5, "timed kernels must agree");
            // BM3's encoder, L=1: two blocks with residual and row norms vs cat + mean + residual add
            int nu = 19_445;
            Tensor eu = x.narrow(0, 0, nu).clone();
            Tensor ei = x.narrow(0, nu, g.rows() - nu).clone();
            Tensor hu = torch.empty_like(eu);
            Tensor hi = torch.empty_like(ei);
            Tensor sq = torch.empty(new long[] {g.rows()}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Double),
                    new org.bytedeco.pytorch.MemoryFormatOptional());
            double[] blocks = timeMs(10, 60, () -> Kernels.lightGcnMeanBlocks(a, eu, ei, 1, true, hu, hi, null, null, sq));
            double[] blocksPlain = timeMs(10, 60, () -> Kernels.lightGcnMeanBlocks(a, eu, ei, 1, false, hu, hi, null, null,
                    null));
            double[] mean1 = timeMs(10, 60, () -> Kernels.lightGcnMean(a, x, 1, y, null, null));
            double[] catMeanAdd = timeMs(10, 60, () -> {
                Tensor x0 = torch.cat(new org.bytedeco.pytorch.TensorVector(eu, ei), 0);
                Tensor h = torch.empty_like(x0);
                Kernels.lightGcnMean(a, x0, 1, h, null, null);
                h.narrow(0, nu, g.rows() - nu).add(ei);
            });

            int users = 19_445, items = 7_050, batch = 2048;
            Tensor p = TestGraphs.randn(rng, users, 64);
            Tensor t = TestGraphs.randn(rng, items, 64);
            long[] pi = new long[batch], ti = new long[batch];
            for (int b = 0; b < batch; b++) {
                pi[b] = rng.nextInt(users);
                ti[b] = rng.nextInt(items);
            }
            Tensor pIdx = TestGraphs.longs(pi, batch);
            Tensor tIdx = TestGraphs.longs(ti, batch);
            Tensor grad = torch.empty_like(p).zero_();
            double[] nativeLoss = timeMs(20, 200, () -> Kernels.bootstrapLoss(p, pIdx, t, tIdx, 1f, grad));
            double[] nativeLossOnly = timeMs(20, 200, () -> Kernels.bootstrapLoss(p, pIdx, t, tIdx, 1f, null));
            double[] compositeForward = timeMs(10, 100, () -> {
                try (NoGradGuard ng = new NoGradGuard()) {
                    Tensor cos = torch.cosine_similarity(p.index_select(0, pIdx), t.index_select(0, tIdx), 1, 1e-8);
                    torch.rsub(cos.mean(), new Scalar(1.0), new Scalar(1.0)).item_float();
                }
            });
            double[] compositeBoth = timeMs(10, 100, () -> {
                Tensor leaf = p.detach().requires_grad_(true);
                Tensor cos = torch.cosine_similarity(leaf.index_select(0, pIdx), t.index_select(0, tIdx), 1, 1e-8);
                Tensor loss = torch.rsub(cos.mean(), new Scalar(1.0), new Scalar(1.0));
                loss.backward();
                loss.item_float();
            });
            System.out.printf("%n[kernel timings] threads=%d, Baby graph %d nodes, %d nnz, d=64; median (min) ms%n",
                    torch.get_num_threads(), g.rows(), g.colIdx().length);
            System.out.printf("  SpMM forward:        native %s | LibTorch COO mm %s%n", f(nativeSpmm), f(cooMm));
            System.out.printf("  LightGCN mean L=2:   native %s | 2x COO mm + adds %s%n", f(nativeMean2), f(cooMean2));
            System.out.printf("  BM3 encoder L=1:     blocks + residual + norms %s, blocks plain %s, mean %s | "
                    + "cat + mean + residual add %s%n", f(blocks), f(blocksPlain), f(mean1), f(catMeanAdd));
            System.out.printf("  Bootstrap loss B=%d: native loss+grad %s, loss only %s | composite forward %s, "
                    + "forward+backward %s%n", batch, f(nativeLoss), f(nativeLossOnly), f(compositeForward), f(compositeBoth));
        } finally {
            torch.set_num_threads(before);
        }
    }
}
