package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.SyntheticGenerator;
import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A BM3 step on the native kernels equals the pure-LibTorch step (fp32, relative 1e-5). The two
 * paths draw dropout masks from different generators (LibTorch's vs the counter-based native
 * one; both one Bernoulli draw per matrix), so steps are compared with dropout 0 and the native
 * draw itself is checked in {@link #nativeDropoutIsOneFullMatrixDraw}.
 */
class NativeKernelParityTest {
    static final Device CPU = TorchRuntime.device("cpu");

    static Dataset data() {
        return new SyntheticGenerator(new SyntheticGenerator.Config(300, 200, 15, 5, 8, 48, 24, 0.2, 3)).generate();
    }

    static Bm3Model model(Dataset d, TrainConfig c, boolean nativeKernels) {
        TorchRuntime.seed(c.seed());
        NormalizedAdjacency g = NormalizedAdjacency.of(d);
        KernelSet k = nativeKernels
                ? KernelSet.nativeKernels(new NativePropagation(g, c.embeddingSize()), c.seed())
                : KernelSet.torch(new TorchPropagation(g, torch.ScalarType.Float, CPU));
        return new Bm3Model(d, c, k, CPU, torch.ScalarType.Float);
    }

    static int[][] batch(Dataset d, int size, int offset) {
        int[] u = new int[size];
        int[] i = new int[size];
        for (int k = 0; k < size; k++) {
            int row = (offset + k * 7) % d.train().size();
            u[k] = d.train().users()[row];
            i[k] = d.train().items()[row];
        }
        return new int[][] {u, i};
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void gradientsMatchTorchPath(int layers) {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = data();
        TrainConfig c = TrainConfig.fromMap(Map.of("n_layers", layers, "dropout", 0.0), "t");
        int[][] b = batch(d, 512, 11);
        try (Bm3Model t = model(d, c, false); Bm3Model n = model(d, c, true); PointerScope s = new PointerScope()) {
            double lt = t.computeGradients(b[0], b[1]);
            double ln = n.computeGradients(b[0], b[1]);
            assertEquals(lt, ln, 1e-5 * Math.abs(lt), "loss");
            List<Tensor> pt = t.parameters();
            List<Tensor> pn = n.parameters();
            List<String> names = t.parameterNames();
            for (int k = 0; k < pt.size(); k++) {
                float[] gt = Tensors.toFloats(pt.get(k).grad());
                float[] gn = Tensors.toFloats(pn.get(k).grad());
                double scale = 0;
                double diff = 0;
                for (int e = 0; e < gt.length; e++) {
                    scale = Math.max(scale, Math.abs(gt[e]));
                    diff = Math.max(diff, Math.abs(gt[e] - gn[e]));
                }
                assertTrue(diff <= 1e-5 * scale + 1e-9, names.get(k) + ": max |grad diff| " + diff + " vs max |grad| " + scale);
            }
        }
    }

    @Test
    void adamStepsStayTogether() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = data();
        TrainConfig c = TrainConfig.fromMap(Map.of("n_layers", 2, "dropout", 0.0), "t");
        try (Bm3Model t = model(d, c, false); Bm3Model n = model(d, c, true)) {
            for (int step = 0; step < 5; step++) {
                int[][] b = batch(d, 256, step * 97);
                double lt;
                double ln;
                try (PointerScope s = new PointerScope()) {
                    lt = t.trainStep(b[0], b[1]);
                    ln = n.trainStep(b[0], b[1]);
                }
                assertEquals(lt, ln, 1e-5 * Math.abs(lt), "loss at step " + step);
            }
        }
    }

    /**
     * The training step's native ID side (only the batch's rows of H in autograd, dropout keyed
     * by id) gives the loss of the full-matrix path (all of H, index_select, the same native
     * draw): the cosine terms bit for bit, since rows and masks are the same numbers.
     */
    @Test
    void batchRowsPathEqualsTheFullMatrixPath() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        TorchRuntime.setThreads(1);
        Dataset d = data();
        TrainConfig c = TrainConfig.fromMap(Map.of("n_layers", 2, "dropout", 0.5), "t");
        TorchRuntime.seed(c.seed());
        KernelSet k = KernelSet.nativeKernels(new NativePropagation(NormalizedAdjacency.of(d), c.embeddingSize()), c.seed());
        TargetSampler.Native sampler = (TargetSampler.Native) k.targets();
        int[][] b = batch(d, 512, 5);
        try (Bm3Model n = new Bm3Model(d, c, k, CPU, torch.ScalarType.Float); PointerScope s = new PointerScope()) {
            Bm3Model.LossTerms rows = n.loss(b[0], b[1]); // grad mode: NativePropagation.encodeRows
            sampler.setStep(0);
            Bm3Model.LossTerms full;
            try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
                full = n.loss(b[0], b[1]); // no grad: all of H, gathered by index_select
            }
            assertEquals(full.userItem(), rows.userItem(), 0.0, "user->item term");
            assertEquals(full.itemUser(), rows.itemUser(), 0.0, "item->user term");
            assertEquals(full.align(), rows.align(), 0.0, "alignment terms");
            assertEquals(full.reg(), rows.reg(), 1e-6 * full.reg(), "regulariser");
            assertEquals(full.total().item_double(), rows.total().item_double(), 1e-6 * full.total().item_double(), "total");
        }
    }

    /** {@link NativePropagation#encode} (no gradient) against LibTorch's COO composite. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void encodeMatchesTorchPropagation(int layers) {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        Dataset d = data();
        NormalizedAdjacency g = NormalizedAdjacency.of(d);
        try (NativePropagation n = new NativePropagation(g, 8);
             TorchPropagation t = new TorchPropagation(g, torch.ScalarType.Float, CPU);
             PointerScope s = new PointerScope()) {
            Tensor eu = torch.randn(d.nUsers(), 8);
            Tensor ei = torch.randn(d.nItems(), 8);
            float[] want = Tensors.toFloats(t.encode(eu, ei, layers));
            float[] got = Tensors.toFloats(n.encode(eu, ei, layers));
            double scale = 0;
            double diff = 0;
            for (int e = 0; e < want.length; e++) {
                scale = Math.max(scale, Math.abs(want[e]));
                diff = Math.max(diff, Math.abs(want[e] - got[e]));
            }
            assertTrue(diff <= 1e-5 * scale, "L=" + layers + ": max |diff| " + diff);
        }
    }

    /**
     * {@link NativePropagation#finishRowsBackward} hands its kept buffers over as the embeddings'
     * gradients: a second backward while they are still set must fail before overwriting them,
     * and succeed again once they are cleared.
     */
    @Test
    void rowsBackwardRefusesToOverwriteAGradientStillSet() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        Dataset d = data();
        try (NativePropagation n = new NativePropagation(NormalizedAdjacency.of(d), 8); PointerScope s = new PointerScope()) {
            Tensor eu = torch.randn(d.nUsers(), 8).requires_grad_(true);
            Tensor ei = torch.randn(d.nItems(), 8).requires_grad_(true);
            Tensor u = Tensors.fromLongs(new long[] {0, 1, 1}, CPU);
            Tensor i = Tensors.fromLongs(new long[] {2, 2, 3}, CPU);
            NativePropagation.EncodedRows rows = n.encodeRows(eu, ei, 1, u, i);
            rows.userRows().sum().add(rows.itemRows().sum()).backward();
            n.finishRowsBackward(eu, ei, 1, 0.1);
            float[] first = Tensors.toFloats(eu.grad());
            rows = n.encodeRows(eu, ei, 1, u, i);
            rows.userRows().sum().add(rows.itemRows().sum()).backward();
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> n.finishRowsBackward(eu, ei, 1, 0.1));
            assertTrue(e.getMessage().contains("zero the gradients"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, Tensors.toFloats(eu.grad()),
                    "the refused call left the gradient alone");
            eu.mutable_grad().put(new Tensor());
            ei.mutable_grad().put(new Tensor());
            rows = n.encodeRows(eu, ei, 1, u, i);
            rows.userRows().sum().add(rows.itemRows().sum()).backward();
            n.finishRowsBackward(eu, ei, 1, 0.1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, Tensors.toFloats(eu.grad()), "same inputs, same gradient");
        }
    }

    @Test
    void nativeDropoutIsOneFullMatrixDraw() {
        assumeTrue(Kernels.available(), Kernels.unavailableReason());
        try (PointerScope s = new PointerScope()) {
            Tensor src = torch.randn(400, 64).add(new org.bytedeco.pytorch.Scalar(3.0)); // no zeros in src
            long[] all = new long[400];
            for (int r = 0; r < 400; r++) {
                all[r] = r;
            }
            float[] full = Tensors.toFloats(Kernels.dropoutGather(src, Tensors.fromLongs(all, CPU), 0.5, 77));
            float[] some = Tensors.toFloats(Kernels.dropoutGather(src, Tensors.fromLongs(new long[] {9, 3, 9}, CPU), 0.5, 77));
            int kept = 0;
            for (int k = 0; k < 64; k++) {
                assertEquals(full[9 * 64 + k], some[k], 0.0, "gathered rows are rows of the full draw");
                assertEquals(full[3 * 64 + k], some[64 + k], 0.0);
                assertEquals(some[k], some[128 + k], 0.0, "a duplicated row has one mask");
            }
            float[] x = Tensors.toFloats(src);
            for (int e = 0; e < full.length; e++) {
                if (full[e] != 0) {
                    kept++;
                    assertEquals(2 * x[e], full[e], 1e-5, "kept values are scaled by 1/(1-p)");
                }
            }
            assertEquals(0.5, kept / (double) full.length, 0.02, "keep rate");
        }
    }
}
