package dev.bm3.kernels;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the C ABI in {@code native/include/bm3_kernels.h} (CPU kernels only).
 *
 * <p>Raw and unchecked beyond what the C functions check themselves: every method takes
 * pointers to contiguous row-major memory and returns a status code ({@code 0} = ok, see
 * {@link #statusString(int)}). Engine code should go through {@link Kernels}, which validates
 * shapes and dtypes first. The CPU implementation is compiled into this class's JNI library
 * by the javacpp Maven plugin: {@code bm3_kernels_cpu.cpp} is pulled in as an include, so the
 * build needs only g++ with OpenMP. LibTorch's presets are deliberately NOT inherited: their
 * includes would drag LibTorch headers, which the jars do not ship, into the JNI source.
 *
 * <p>Threads: the kernels use OpenMP's current team size. Loading
 * {@code org.bytedeco.pytorch.global.torch} first (done here) makes the JNI library bind to
 * LibTorch's bundled {@code libgomp.so.1}, so {@code torch.set_num_threads(n)} governs both.
 */
@Platform(include = {"bm3_kernels.h", "bm3_kernels_cpu.cpp"}, compiler = "cpp11")
public final class NativeKernels {
    static {
        // torch first: its libgomp.so.1 must be the one our library's DT_NEEDED resolves to
        Loader.load(org.bytedeco.pytorch.global.torch.class);
        Loader.load();
    }

    private NativeKernels() {
    }

    /** {@code BM3_OK}: success. */
    public static final int OK = 0;
    /** {@code BM3_ERR_ARGUMENT}: a null pointer or an invalid size. */
    public static final int ERR_ARGUMENT = 1;
    /** {@code BM3_ERR_INDEX}: a gather index outside its matrix. */
    public static final int ERR_INDEX = 2;
    /** {@code BM3_ERR_CSR}: a malformed CSR structure. */
    public static final int ERR_CSR = 3;

    /** {@code bm3_status_string}: a readable name of a status code. */
    @Name("bm3_status_string")
    public static native String statusString(int status);

    /** {@code bm3_cpu_max_threads}: the OpenMP team size the CPU kernels will use. */
    @Name("bm3_cpu_max_threads")
    public static native int maxThreads();

    /** {@code bm3_csr_check}: structure check of a CSR matrix, O(rows + nnz). */
    @Name("bm3_csr_check")
    public static native int csrCheck(int nRows, int nCols, @Cast("const int32_t*") IntPointer rowPtr,
                                      @Cast("const int32_t*") IntPointer colIdx, long nnz);

    /** {@code bm3_cpu_spmm}: {@code Y = Â X}, X and Y {@code n x d} row-major. */
    @Name("bm3_cpu_spmm")
    public static native int spmm(int nRows, @Cast("const int32_t*") IntPointer rowPtr,
                                  @Cast("const int32_t*") IntPointer colIdx,
                                  @Cast("const float*") FloatPointer values,
                                  @Cast("const float*") FloatPointer x, long d, FloatPointer y);

    /**
     * {@code bm3_cpu_lightgcn_mean}: {@code H = mean(X0, ÂX0, ..., Â^L X0)}; scratchA is needed
     * for {@code L >= 2}, scratchB for {@code L >= 3} (both {@code n x d}, else may be null).
     */
    @Name("bm3_cpu_lightgcn_mean")
    public static native int lightGcnMean(int nRows, @Cast("const int32_t*") IntPointer rowPtr,
                                          @Cast("const int32_t*") IntPointer colIdx,
                                          @Cast("const float*") FloatPointer values,
                                          @Cast("const float*") FloatPointer x0, long d, int layers,
                                          FloatPointer h, FloatPointer scratchA, FloatPointer scratchB);

    /**
     * {@code bm3_cpu_bootstrap_loss_i64}: {@code lossOut[0] = mean_b(1 - cos(P[pIndex[b]],
     * T[tIndex[b]]))} and {@code gradP[pIndex[b]] += gradScale * dloss/dp_b} (gradP may be null;
     * a null index means the identity).
     */
    @Name("bm3_cpu_lightgcn_mean_blocks")
    public static native int lightGcnMeanBlocks(int nRows, @Cast("const int32_t*") IntPointer rowPtr,
                                                @Cast("const int32_t*") IntPointer colIdx,
                                                @Cast("const float*") FloatPointer values, int nTop,
                                                @Cast("const float*") FloatPointer xTop,
                                                @Cast("const float*") FloatPointer xBottom, long d, int layers,
                                                int bottomResidual, FloatPointer hTop, FloatPointer hBottom,
                                                FloatPointer scratchA, FloatPointer scratchB, DoublePointer rowSq);

    @Name("bm3_cpu_bootstrap_loss_i64")
    public static native int bootstrapLoss(@Cast("const float*") FloatPointer p, long pRows,
                                           @Cast("const int64_t*") LongPointer pIndex,
                                           @Cast("const float*") FloatPointer t, long tRows,
                                           @Cast("const int64_t*") LongPointer tIndex,
                                           long batch, long d, float gradScale,
                                           FloatPointer gradP, float[] lossOut);

    /** {@code bm3_cpu_bootstrap_loss_i32}: as above with int32 indices. */
    @Name("bm3_cpu_bootstrap_loss_i32")
    public static native int bootstrapLoss(@Cast("const float*") FloatPointer p, long pRows,
                                           @Cast("const int32_t*") IntPointer pIndex,
                                           @Cast("const float*") FloatPointer t, long tRows,
                                           @Cast("const int32_t*") IntPointer tIndex,
                                           long batch, long d, float gradScale,
                                           FloatPointer gradP, float[] lossOut);

    /** Dropout targets gathered from one counter-based full-matrix draw ({@code bm3_cpu_dropout_gather_i64}). */
    @Name("bm3_cpu_dropout_gather_i64")
    public static native int dropoutGather(@Cast("const float*") FloatPointer src, long rows, long d,
                                           @Cast("const int64_t*") LongPointer index, long batch, float p,
                                           @Cast("uint64_t") long seed, FloatPointer out);

    /**
     * The same draw on a matrix holding some rows of the full one: row k of src is row
     * {@code rowIds[k]} of the full matrix ({@code bm3_cpu_dropout_gather_rows_i64}).
     */
    @Name("bm3_cpu_dropout_gather_rows_i64")
    public static native int dropoutGatherRows(@Cast("const float*") FloatPointer src, long rows, long d,
                                               @Cast("const int64_t*") LongPointer index, long batch,
                                               @Cast("const int64_t*") LongPointer rowIds, float p,
                                               @Cast("uint64_t") long seed, FloatPointer out);

    /** Row-sparse Adam with catch-up of skipped steps ({@code bm3_cpu_adam_rows}). */
    @Name("bm3_cpu_adam_rows")
    public static native int adamRows(FloatPointer param, long rows, long d, @Cast("const int64_t*") LongPointer rowIndex,
                                      long nIndex, @Cast("const float*") FloatPointer gradRows, FloatPointer expAvg,
                                      FloatPointer expAvgSq, @Cast("int64_t*") LongPointer lastStep, long step,
                                      double lr, double beta1, double beta2, double eps);

    /** The catch-up of row-sparse Adam alone, through step {@code through} ({@code bm3_cpu_adam_rows_catch_up}). */
    @Name("bm3_cpu_adam_rows_catch_up")
    public static native int adamRowsCatchUp(FloatPointer param, long rows, long d, @Cast("const int64_t*") LongPointer rowIndex,
                                             long nIndex, FloatPointer expAvg, FloatPointer expAvgSq,
                                             @Cast("int64_t*") LongPointer lastStep, long through, double lr,
                                             double beta1, double beta2, double eps);

    /** The caught-up values of rows, written to out; no state changes ({@code bm3_cpu_adam_rows_gather}). */
    @Name("bm3_cpu_adam_rows_gather")
    public static native int adamRowsGather(@Cast("const float*") FloatPointer param, long rows, long d,
                                            @Cast("const int64_t*") LongPointer rowIndex, long nIndex,
                                            @Cast("const float*") FloatPointer expAvg,
                                            @Cast("const float*") FloatPointer expAvgSq,
                                            @Cast("const int64_t*") LongPointer lastStep, long through, double lr,
                                            double beta1, double beta2, double eps, FloatPointer out);

    /** One fused Adam step over n parameters ({@code bm3_cpu_adam_step}). */
    @Name("bm3_cpu_adam_step")
    public static native int adamStep(FloatPointer param, @Cast("const float*") FloatPointer grad, FloatPointer expAvg,
                                      FloatPointer expAvgSq, long n, double lr, double beta1, double beta2,
                                      double eps, long step);
}
