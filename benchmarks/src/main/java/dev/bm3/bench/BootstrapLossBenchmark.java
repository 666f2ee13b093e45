package dev.bm3.bench;

import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * BM3's bootstrap loss {@code 1 - mean_b cos(P[i_b], T[j_b])} with its gradient w.r.t. P:
 * the fused native kernel ({@link Kernels#bootstrapLoss} with int64 index tensors, gradient
 * accumulated into a freshly zeroed buffer of P's shape) against the LibTorch composite
 * ({@code 1 - cosine_similarity(P[idx], T[idx2]).mean()} then {@code backward()}, gradient into a
 * fresh leaf view of P). Batch 2048, d = 64, P and T with 7,050 rows (Baby's item count).
 *
 * <p>Forks and warm-up as in {@link GraphConvolutionBenchmark}: one fork per thread count
 * (LibTorch loads once per JVM; OpenMP's pool is fixed at first use), 3 x 1 s warm-up for the JIT
 * and the allocator. Operations take tens to hundreds of microseconds, so 1 s iterations hold
 * thousands of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BootstrapLossBenchmark {
    static final int ROWS = 7_050;
    static final int BATCH = 2_048;
    static final int D = 64;

    @State(Scope.Benchmark)
    public static class Inputs {
        @Param({"1", "2"})
        public int threads;

        Tensor p;
        Tensor t;
        Tensor pIndex;
        Tensor tIndex;

        @Setup(Level.Trial)
        public void setUp() {
            TorchRuntime.setThreads(threads);
            if (!Kernels.available()) {
                throw new IllegalStateException(Kernels.unavailableReason());
            }
            Device cpu = new Device(torch.DeviceType.CPU);
            SplittableRandom rng = new SplittableRandom(BenchData.SEED);
            try (PointerScope scope = new PointerScope()) {
                p = Tensors.keep(Tensors.fromFloats(BenchData.gaussianFeatures("p", ROWS, D, BenchData.SEED + 3).data(),
                        ROWS, D, torch.ScalarType.Float, cpu));
                t = Tensors.keep(Tensors.fromFloats(BenchData.gaussianFeatures("t", ROWS, D, BenchData.SEED + 4).data(),
                        ROWS, D, torch.ScalarType.Float, cpu));
                long[] i = new long[BATCH];
                long[] j = new long[BATCH];
                for (int b = 0; b < BATCH; b++) {
                    i[b] = rng.nextInt(ROWS);
                    j[b] = rng.nextInt(ROWS);
                }
                pIndex = Tensors.keep(Tensors.fromLongs(i, cpu));
                tIndex = Tensors.keep(Tensors.fromLongs(j, cpu));
                check();
            }
        }

        /**
         * Loss within 1e-5 and gradient within 1e-4 RELATIVE to the gradient's largest entry
         * (entries are ~1/(B |p|) ~ 1e-5, so an absolute 1e-4 would pass anything).
         */
        private void check() {
            Tensor gradNative = torch.zeros(new long[] {ROWS, D}, new TensorOptions(torch.ScalarType.Float));
            float lossNative = Kernels.bootstrapLoss(p, pIndex, t, tIndex, 1f, gradNative);
            Tensor leaf = p.detach();
            leaf.requires_grad_(true);
            Tensor loss = composite(leaf, t, pIndex, tIndex);
            double lossTorch = loss.item_double();
            loss.backward();
            BenchData.requireClose("loss native vs composite", Math.abs(lossNative - lossTorch), 1e-5);
            double scale = BenchData.maxAbs(leaf.grad());
            BenchData.requireClose("gradient native vs composite (relative)",
                    BenchData.maxAbsDiff(gradNative, leaf.grad()) / scale, 1e-4);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            tIndex.close();
            pIndex.close();
            t.close();
            p.close();
        }
    }

    static Tensor composite(Tensor p, Tensor t, Tensor pIndex, Tensor tIndex) {
        Tensor target;
        try (NoGradGuard g = new NoGradGuard()) {
            target = t.index_select(0, tIndex);  // BM3's targets are detached
        }
        return torch.cosine_similarity(p.index_select(0, pIndex), target, 1, 1e-8).mean().neg().add(new Scalar(1.0));
    }

    @Benchmark
    public float nativeFused(Inputs s) {
        try (PointerScope scope = new PointerScope()) {
            Tensor grad = torch.zeros(new long[] {ROWS, D}, new TensorOptions(torch.ScalarType.Float));
            return Kernels.bootstrapLoss(s.p, s.pIndex, s.t, s.tIndex, 1f, grad) + grad.data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float torchComposite(Inputs s) {
        try (PointerScope scope = new PointerScope()) {
            Tensor leaf = s.p.detach();
            leaf.requires_grad_(true);
            Tensor loss = composite(leaf, s.t, s.pIndex, s.tIndex);
            float value = loss.item_float();
            loss.backward();
            return value + leaf.grad().data_ptr_float().get(0);
        }
    }
}
