package dev.bm3.bench;

import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.kernels.CsrMatrix;
import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
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

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Graph convolution {@code Y = Â X} with {@code d = 64}: the engine's native CSR SpMM
 * ({@link Kernels#spmm}) against LibTorch's sparse COO {@code mm} (the reference's path) and
 * LibTorch's sparse CSR {@code mm}, forward alone and forward + backward.
 *
 * <p>Backward: Â is symmetric, so the native gradient w.r.t. X is the same SpMM applied to the
 * upstream gradient G (what the engine's native propagation does); LibTorch differentiates
 * {@code mm(A, x)} by autograd ({@code y.backward(G)} on a fresh leaf view of X, so each
 * invocation allocates its gradient as a training step after {@code zero_grad} does). Every path
 * allocates its outputs, as each does inside a training step.
 *
 * <p>Scales: {@code baby} = the Amazon Baby training graph (19,445 users + 7,050 items, ~240k
 * stored non-zeros), or a synthetic power-law graph of that size when the shared data is absent;
 * {@code x10} = a synthetic power-law graph ten times larger (194,450 + 70,500 nodes, ~1.2M
 * edges, ~2.4M non-zeros), past the last-level cache.
 *
 * <p>Forks and warm-up: {@code @Fork(1)} because LibTorch loads once per JVM (seconds) and the
 * 2-core machine is noisy enough that a second fork buys less than longer iterations;
 * {@code threads} is a JMH parameter so each thread count gets its own fork (OpenMP's pool size
 * is fixed at first parallel use). Three 1 s warm-up iterations cover the JIT (the Java side is
 * thin) and, more importantly, let glibc's allocator and LibTorch's caches reach steady state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GraphConvolutionBenchmark {
    static final int D = 64;

    /** Graph, operands and the three matrix forms; built once per fork and checked. */
    @State(Scope.Benchmark)
    public static class Graph {
        @Param({"baby", "x10"})
        public String scale;

        @Param({"1", "2"})
        public int threads;

        CsrMatrix csr;
        Tensor coo;
        Tensor csrTensor;
        Tensor x;
        Tensor g;

        @Setup(Level.Trial)
        public void setUp() {
            TorchRuntime.setThreads(threads);
            if (!Kernels.available()) {
                throw new IllegalStateException(Kernels.unavailableReason());
            }
            BenchData.Interactions rows = scale.equals("baby")
                    ? BenchData.babyOrSynthetic()
                    : BenchData.powerLaw("x10-synthetic", 10 * BenchData.BABY_USERS, 10 * BenchData.BABY_ITEMS,
                    10L * BenchData.BABY_EDGES, BenchData.SEED + 10);
            NormalizedAdjacency a = NormalizedAdjacency.fromTraining(rows.nUsers(), rows.nItems(), rows.train());
            int n = a.nNodes();
            int nnz = a.nnz();
            csr = CsrMatrix.copyOf(n, n, a.rowPtr(), a.colIdx(), a.values());
            Device cpu = new Device(torch.DeviceType.CPU);
            try (PointerScope scope = new PointerScope()) {
                Tensor values = Tensors.fromFloats(a.values(), 1, nnz, torch.ScalarType.Float, cpu).reshape(nnz);
                Tensor idx = Tensors.fromLongs(a.cooIndices(), cpu).reshape(2, nnz);
                coo = Tensors.keep(torch.sparse_coo_tensor(idx, values, n, n).coalesce());
                long[] crow = new long[n + 1];
                for (int r = 0; r <= n; r++) {
                    crow[r] = a.rowPtr()[r];
                }
                long[] col = new long[nnz];
                for (int k = 0; k < nnz; k++) {
                    col[k] = a.colIdx()[k];
                }
                csrTensor = Tensors.keep(torch.sparse_csr_tensor(Tensors.fromLongs(crow, cpu), Tensors.fromLongs(col, cpu),
                        values, new long[] {n, n}, new TensorOptions(torch.ScalarType.Float)));
                x = Tensors.keep(gaussian(n, BenchData.SEED + 1, cpu));
                g = Tensors.keep(gaussian(n, BenchData.SEED + 2, cpu));
                check();
            }
            long bytes = bytesPerSpmm(n, nnz, D);
            System.out.printf(Locale.ROOT, "%n%s: %d users + %d items = %d nodes, %d non-zeros, d = %d, threads = %d"
                            + " (kernels report %d); bytes moved per SpMM = %d (%.1f MB)%n", rows.name(), rows.nUsers(),
                    rows.nItems(), n, nnz, D, threads, Kernels.threads(), bytes, bytes / 1e6);
        }

        /** Native vs COO vs CSR, forward and gradient: max-abs-diff below 1e-4 or the run stops. */
        private void check() {
            Tensor yNative = Kernels.spmm(csr, x);
            BenchData.requireClose("forward native vs COO", BenchData.maxAbsDiff(yNative, torch.mm(coo, x)), 1e-4);
            BenchData.requireClose("forward native vs CSR", BenchData.maxAbsDiff(yNative, torch.mm(csrTensor, x)), 1e-4);
            Tensor gNative = Kernels.spmm(csr, g);
            BenchData.requireClose("gradient native vs COO autograd", BenchData.maxAbsDiff(gNative, autogradGrad(coo, x, g)), 1e-4);
            BenchData.requireClose("gradient native vs CSR autograd", BenchData.maxAbsDiff(gNative, autogradGrad(csrTensor, x, g)), 1e-4);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            g.close();
            x.close();
            csrTensor.close();
            coo.close();
            csr.close();
        }
    }

    /** nnz * (4 value + 4 index) + nnz * d * 4 gathered reads + N * d * 4 writes (row pointers ignored). */
    static long bytesPerSpmm(long n, long nnz, long d) {
        return nnz * 8 + nnz * d * 4 + n * d * 4;
    }

    static Tensor gaussian(int rows, long seed, Device cpu) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[rows * D];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) BenchData.gaussian(rng);
        }
        return Tensors.fromFloats(v, rows, D, torch.ScalarType.Float, cpu);
    }

    /** d(sum(mm(a, x) * g))/dx by autograd, on a fresh leaf view of x (no copy, no stale gradient). */
    static Tensor autogradGrad(Tensor a, Tensor x, Tensor g) {
        Tensor leaf = x.detach();
        leaf.requires_grad_(true);
        Tensor y = torch.mm(a, leaf);
        y.backward(g, new BoolOptional(), false, new TensorArrayRefOptional());
        return leaf.grad();
    }

    @Benchmark
    public float nativeForward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            return Kernels.spmm(s.csr, s.x).data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float torchCooForward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            return torch.mm(s.coo, s.x).data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float torchCsrForward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            return torch.mm(s.csrTensor, s.x).data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float nativeForwardBackward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            Tensor y = Kernels.spmm(s.csr, s.x);
            Tensor gx = Kernels.spmm(s.csr, s.g);
            return y.data_ptr_float().get(0) + gx.data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float torchCooForwardBackward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            return autogradGrad(s.coo, s.x, s.g).data_ptr_float().get(0);
        }
    }

    @Benchmark
    public float torchCsrForwardBackward(Graph s) {
        try (PointerScope scope = new PointerScope()) {
            return autogradGrad(s.csrTensor, s.x, s.g).data_ptr_float().get(0);
        }
    }
}
