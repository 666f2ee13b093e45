package dev.bm3.kernels;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Entry point to the native kernels: availability check plus tensor-level wrappers that
 * validate everything in Java before crossing JNI.
 *
 * <p>Tensors must be dense, contiguous, float32 (indices int64 or int32) and on the CPU. The
 * kernels read and write their memory directly ({@code data_ptr}): no copies, no autograd.
 * Gradients are wired by the caller (compute under {@code NoGradGuard}, then install the
 * natively computed gradient, see the package notes in {@code NOTES-JAVACPP.md}).
 *
 * <p>Threads: the CPU kernels use LibTorch's OpenMP pool, so {@code torch.set_num_threads(n)}
 * sets their parallelism too ({@link #threads()} confirms it). On shared or oversubscribed
 * cores launch the JVM with {@code OMP_WAIT_POLICY=passive}: spinning OpenMP workers made
 * 2-thread runs on a busy 2-core machine several times slower, LibTorch's own ops included.
 */
public final class Kernels {
    /** null when loaded; otherwise why not. Computed once, on first use of this class. */
    private static final String UNAVAILABLE_REASON = tryLoad();

    private Kernels() {
    }

    private static String tryLoad() {
        try {
            // torch first, so that the JNI library's libgomp.so.1 resolves to LibTorch's copy
            Loader.load(torch.class);
            Loader.load(NativeKernels.class);
            return null;
        } catch (Throwable e) {  // UnsatisfiedLinkError, ExceptionInInitializerError, ...
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "native kernels could not be loaded: " + root;
        }
    }

    /** Whether the native kernel library loaded; never throws. */
    public static boolean available() {
        return UNAVAILABLE_REASON == null;
    }

    /** Why {@link #available()} is false, or the empty string when it is true; never throws. */
    public static String unavailableReason() {
        return UNAVAILABLE_REASON == null ? "" : UNAVAILABLE_REASON;
    }

    /**
     * The number of OpenMP threads the CPU kernels will use; equals
     * {@code torch.get_num_threads()} when LibTorch's libgomp is shared as intended.
     *
     * @throws IllegalStateException when the native library is not available
     */
    public static int threads() {
        requireAvailable();
        return NativeKernels.maxThreads();
    }

    static void requireAvailable() {
        if (UNAVAILABLE_REASON != null) {
            throw new IllegalStateException(UNAVAILABLE_REASON);
        }
    }

    /**
     * {@code y = a x} for dense row-major {@code x} ({@code a.cols() x d}) into the preallocated
     * {@code y} ({@code a.rows() x d}). Deterministic: bitwise identical for any thread count.
     *
     * @throws IllegalArgumentException on a dtype, layout, device or shape mismatch
     */
    public static void spmm(CsrMatrix a, Tensor x, Tensor y) {
        requireAvailable();
        requireFloatMatrix("x", x);
        requireFloatMatrix("y", y);
        if (x.size(0) != a.cols()) {
            throw new IllegalArgumentException("x has " + x.size(0) + " rows, the matrix has " + a.cols() + " columns");
        }
        if (y.size(0) != a.rows()) {
            throw new IllegalArgumentException("y has " + y.size(0) + " rows, the matrix has " + a.rows() + " rows");
        }
        if (x.size(1) != y.size(1)) {
            throw new IllegalArgumentException("x has " + x.size(1) + " columns, y has " + y.size(1));
        }
        requireDistinct("x", x, "y", y);
        check("bm3_cpu_spmm", NativeKernels.spmm(a.rows(), a.rowPtr(), a.colIdx(), a.values(),
                x.data_ptr_float(), x.size(1), y.data_ptr_float()));
    }

    /** Allocating form of {@link #spmm(CsrMatrix, Tensor, Tensor)}: returns a new {@code a.rows() x d} tensor. */
    public static Tensor spmm(CsrMatrix a, Tensor x) {
        requireFloatMatrix("x", x);
        Tensor y = torch.empty(new long[] {a.rows(), x.size(1)}, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        spmm(a, x, y);
        return y;
    }

    /**
     * LightGCN layer mean {@code h = (x0 + a x0 + ... + a^L x0) / (L + 1)} for a square
     * {@code a}, written into the preallocated {@code h}. Linear in {@code x0}: for a symmetric
     * {@code a} the gradient w.r.t. {@code x0} is this same call applied to the gradient of h.
     *
     * @param scratchA same shape as x0; needed when {@code layers >= 2}, else may be null
     * @param scratchB same shape as x0; needed when {@code layers >= 3}, else may be null
     * @throws IllegalArgumentException on a dtype, layout, device or shape mismatch
     */
    public static void lightGcnMean(CsrMatrix a, Tensor x0, int layers, Tensor h, Tensor scratchA, Tensor scratchB) {
        requireAvailable();
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        }
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("the matrix must be square, got " + a.rows() + " x " + a.cols());
        }
        requireFloatMatrix("x0", x0);
        requireSameShape("x0", x0, "h", h);
        if (x0.size(0) != a.rows()) {
            throw new IllegalArgumentException("x0 has " + x0.size(0) + " rows, the matrix has " + a.rows());
        }
        requireDistinct("x0", x0, "h", h);
        FloatPointer sa = null;
        FloatPointer sb = null;
        if (layers >= 2) {
            requireSameShape("x0", x0, "scratchA", scratchA);
            requireDistinct("scratchA", scratchA, "h", h);
            requireDistinct("scratchA", scratchA, "x0", x0);
            sa = scratchA.data_ptr_float();
        }
        if (layers >= 3) {
            requireSameShape("x0", x0, "scratchB", scratchB);
            requireDistinct("scratchB", scratchB, "h", h);
            requireDistinct("scratchB", scratchB, "x0", x0);
            requireDistinct("scratchB", scratchB, "scratchA", scratchA);
            sb = scratchB.data_ptr_float();
        }
        check("bm3_cpu_lightgcn_mean", NativeKernels.lightGcnMean(a.rows(), a.rowPtr(), a.colIdx(), a.values(),
                x0.data_ptr_float(), x0.size(1), layers, h.data_ptr_float(), sa, sb));
    }

    /**
     * BM3's encoder on two row blocks: with {@code x0 = [xTop; xBottom]} (the user and item ID
     * embeddings, read in place: no concatenated copy), writes
     * {@code [hTop; hBottom] = (x0 + a x0 + ... + a^L x0) / (L + 1)}, plus {@code xBottom} on the
     * bottom block when {@code bottomResidual} (BM3's item residual). For a symmetric {@code a} the
     * map is symmetric, so the gradient w.r.t. {@code (xTop, xBottom)} is this same call on the
     * gradient of {@code (hTop, hBottom)}.
     *
     * @param rowSq    null, or a 1-D Double tensor of {@code a.rows()} entries that receives each
     *                 output row's squared norm (the regulariser's ||H|| without another pass)
     * @param scratchA {@code a.rows() x d}; needed when {@code layers >= 2}, else may be null
     * @param scratchB {@code a.rows() x d}; needed when {@code layers >= 3}, else may be null
     * @throws IllegalArgumentException on a dtype, layout, device, shape or aliasing problem
     */
    public static void lightGcnMeanBlocks(CsrMatrix a, Tensor xTop, Tensor xBottom, int layers, boolean bottomResidual,
                                          Tensor hTop, Tensor hBottom, Tensor scratchA, Tensor scratchB, Tensor rowSq) {
        requireAvailable();
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        }
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("the matrix must be square, got " + a.rows() + " x " + a.cols());
        }
        requireFloatMatrix("xTop", xTop);
        requireFloatMatrix("xBottom", xBottom);
        requireSameShape("xTop", xTop, "hTop", hTop);
        requireSameShape("xBottom", xBottom, "hBottom", hBottom);
        long d = xTop.size(1);
        if (xBottom.size(1) != d) {
            throw new IllegalArgumentException("xTop has " + d + " columns, xBottom " + xBottom.size(1));
        }
        if (xTop.size(0) + xBottom.size(0) != a.rows()) {
            throw new IllegalArgumentException("xTop and xBottom have " + xTop.size(0) + " + " + xBottom.size(0)
                    + " rows, the matrix has " + a.rows());
        }
        Tensor[] inputs = {xTop, xBottom};
        Tensor[] outputs = {hTop, hBottom};
        String[] in = {"xTop", "xBottom"};
        String[] out = {"hTop", "hBottom"};
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 2; j++) {
                requireDistinct(in[k], inputs[k], out[j], outputs[j]);
            }
        }
        requireDistinct("hTop", hTop, "hBottom", hBottom);
        FloatPointer sa = null;
        FloatPointer sb = null;
        if (layers >= 2) {
            sa = scratch("scratchA", scratchA, a.rows(), d, inputs, outputs);
        }
        if (layers >= 3) {
            sb = scratch("scratchB", scratchB, a.rows(), d, inputs, outputs);
            requireDistinct("scratchB", scratchB, "scratchA", scratchA);
        }
        DoublePointer sq = null;
        if (rowSq != null) {
            if (!is(rowSq, ScalarType.Double) || rowSq.dim() != 1 || rowSq.size(0) != a.rows() || !rowSq.is_contiguous()
                    || !rowSq.is_cpu()) {
                throw new IllegalArgumentException("rowSq must be a contiguous 1-D Double CPU tensor of " + a.rows()
                        + " entries");
            }
            sq = rowSq.data_ptr_double();
        }
        check("bm3_cpu_lightgcn_mean_blocks", NativeKernels.lightGcnMeanBlocks(a.rows(), a.rowPtr(), a.colIdx(),
                a.values(), (int) xTop.size(0), xTop.data_ptr_float(), xBottom.data_ptr_float(), d, layers,
                bottomResidual ? 1 : 0, hTop.data_ptr_float(), hBottom.data_ptr_float(), sa, sb, sq));
    }

    private static FloatPointer scratch(String name, Tensor t, long rows, long d, Tensor[] inputs, Tensor[] outputs) {
        requireFloatMatrix(name, t);
        if (t.size(0) != rows || t.size(1) != d) {
            throw new IllegalArgumentException(name + " is " + t.size(0) + " x " + t.size(1) + ", expected " + rows
                    + " x " + d);
        }
        for (Tensor x : inputs) {
            requireDistinct(name, t, "an input", x);
        }
        for (Tensor x : outputs) {
            requireDistinct(name, t, "an output", x);
        }
        return t.data_ptr_float();
    }

    /**
     * Fused BM3 bootstrap loss {@code mean_b (1 - cos(p[pIndex[b]], t[tIndex[b]]))} with the
     * cosine of PyTorch 2.x ({@code eps = 1e-8}, each norm clamped separately). When
     * {@code gradP} is not null, {@code gradScale * d loss / d p} is ADDED into it (shape of
     * {@code p}; duplicate indices accumulate), so several loss terms can share one buffer.
     * {@code t} is a constant (BM3's targets are detached).
     *
     * @param p      online matrix, {@code rows_p x d}
     * @param pIndex row of {@code p} per batch element (int64 or int32, 1-D), or null for {@code p} itself
     * @param t      target matrix, {@code rows_t x d}
     * @param tIndex row of {@code t} per batch element (same dtype as pIndex), or null for {@code t} itself
     * @param gradScale factor applied to the gradient only (e.g. {@code cl_weight})
     * @param gradP  gradient accumulator of {@code p}'s shape, or null for the loss alone
     * @return the loss, accumulated in double in a fixed order
     * @throws IllegalArgumentException on a dtype, layout, device, shape or index-range problem
     */
    public static float bootstrapLoss(Tensor p, Tensor pIndex, Tensor t, Tensor tIndex, float gradScale, Tensor gradP) {
        requireAvailable();
        requireFloatMatrix("p", p);
        requireFloatMatrix("t", t);
        if (p.size(1) != t.size(1)) {
            throw new IllegalArgumentException("p has " + p.size(1) + " columns, t has " + t.size(1));
        }
        long batch;
        if (pIndex != null) {
            requireIndex("pIndex", pIndex);
            batch = pIndex.numel();
        } else if (tIndex != null) {
            requireIndex("tIndex", tIndex);
            batch = tIndex.numel();
        } else {
            batch = p.size(0);
        }
        if (batch == 0) {
            throw new IllegalArgumentException("the batch is empty");
        }
        if (pIndex == null && p.size(0) != batch) {
            throw new IllegalArgumentException("p has " + p.size(0) + " rows without pIndex, the batch has " + batch);
        }
        if (tIndex == null && t.size(0) != batch) {
            throw new IllegalArgumentException("t has " + t.size(0) + " rows without tIndex, the batch has " + batch);
        }
        if (tIndex != null) {
            requireIndex("tIndex", tIndex);
            if (tIndex.numel() != batch) {
                throw new IllegalArgumentException("pIndex has " + batch + " entries, tIndex has " + tIndex.numel());
            }
        }
        boolean int32 = isInt32(pIndex != null ? pIndex : tIndex);
        if (pIndex != null && tIndex != null && pIndex.scalar_type().value != tIndex.scalar_type().value) {
            throw new IllegalArgumentException("pIndex is " + pIndex.scalar_type() + ", tIndex is " + tIndex.scalar_type());
        }
        FloatPointer grad = null;
        if (gradP != null) {
            requireSameShape("p", p, "gradP", gradP);
            requireDistinct("p", p, "gradP", gradP);
            requireDistinct("t", t, "gradP", gradP);
            grad = gradP.data_ptr_float();
        }
        float[] loss = new float[1];
        int status;
        long d = p.size(1);
        if (int32) {
            status = NativeKernels.bootstrapLoss(p.data_ptr_float(), p.size(0), pIndex == null ? null : pIndex.data_ptr_int(),
                    t.data_ptr_float(), t.size(0), tIndex == null ? null : tIndex.data_ptr_int(),
                    batch, d, gradScale, grad, loss);
        } else {
            status = NativeKernels.bootstrapLoss(p.data_ptr_float(), p.size(0), pIndex == null ? null : pIndex.data_ptr_long(),
                    t.data_ptr_float(), t.size(0), tIndex == null ? null : tIndex.data_ptr_long(),
                    batch, d, gradScale, grad, loss);
        }
        if (status == NativeKernels.ERR_INDEX) {
            // only on failure: find and name the offending entry
            String where = firstOutOfRange("pIndex", pIndex, p.size(0));
            if (where == null) {
                where = firstOutOfRange("tIndex", tIndex, t.size(0));
            }
            throw new IllegalArgumentException(where != null ? where : "an index is out of range");
        }
        check("bm3_cpu_bootstrap_loss", status);
        return loss[0];
    }

    /**
     * Dropout targets for the rows {@code index} of {@code src}: row b of the result is
     * {@code src[index[b]] * mask / (1 - p)}, the mask being a counter-based function of
     * (seed, row, column): one Bernoulli draw over the whole of {@code src}, evaluated only where
     * gathered (duplicate indices share a mask). Use a fresh seed per step and matrix.
     */
    public static Tensor dropoutGather(Tensor src, Tensor index, double p, long seed) {
        return dropoutGather(src, index, null, p, seed);
    }

    /**
     * {@link #dropoutGather(Tensor, Tensor, double, long)} on a matrix that holds only some rows
     * of the full one: row k of {@code src} is row {@code rowIds[k]} of the full matrix, whose
     * draw the result reproduces ({@code rowIds}: int64, one entry per row of src, >= 0; null
     * means src is the full matrix).
     */
    public static Tensor dropoutGather(Tensor src, Tensor index, Tensor rowIds, double p, long seed) {
        requireAvailable();
        requireFloatMatrix("src", src);
        requireIndex("index", index);
        if (isInt32(index)) {
            throw new IllegalArgumentException("index must be int64 for dropoutGather");
        }
        if (rowIds != null) {
            requireIndex("rowIds", rowIds);
            if (isInt32(rowIds) || rowIds.numel() != src.size(0)) {
                throw new IllegalArgumentException("rowIds must be int64 with one entry per row of src (" + src.size(0)
                        + "), got " + rowIds.numel());
            }
        }
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability " + p + " is outside [0, 1)");
        }
        long batch = index.numel();
        Tensor out = torch.empty(new long[] {batch, src.size(1)}, new TensorOptions(ScalarType.Float), new MemoryFormatOptional());
        int status = rowIds == null
                ? NativeKernels.dropoutGather(src.data_ptr_float(), src.size(0), src.size(1), index.data_ptr_long(),
                        batch, (float) p, seed, out.data_ptr_float())
                : NativeKernels.dropoutGatherRows(src.data_ptr_float(), src.size(0), src.size(1), index.data_ptr_long(),
                        batch, rowIds.data_ptr_long(), (float) p, seed, out.data_ptr_float());
        if (status == NativeKernels.ERR_INDEX) {
            String where = firstOutOfRange("index", index, src.size(0));
            throw new IllegalArgumentException(where != null ? where : "a row id is negative");
        }
        check("bm3_cpu_dropout_gather", status);
        return out;
    }

    /**
     * One Adam step in place (PyTorch's Adam, no weight decay, no amsgrad); {@code step} is the
     * step number after increment (1 on the first call). All four tensors have one shape.
     */
    public static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, double lr, double beta1,
                                double beta2, double eps, long step) {
        requireAvailable();
        for (Tensor t : new Tensor[] {param, grad, expAvg, expAvgSq}) {
            if (t == null || !t.defined() || !t.is_cpu() || !is(t, ScalarType.Float) || !t.is_contiguous()) {
                throw new IllegalArgumentException("adamStep needs defined, contiguous float32 CPU tensors");
            }
            if (t.numel() != param.numel()) {
                throw new IllegalArgumentException("adamStep: " + t.numel() + " elements, the parameter has " + param.numel());
            }
        }
        check("bm3_cpu_adam_step", NativeKernels.adamStep(param.data_ptr_float(), grad.data_ptr_float(),
                expAvg.data_ptr_float(), expAvgSq.data_ptr_float(), param.numel(), lr, beta1, beta2, eps, step));
    }

    /**
     * Row-sparse Adam in place at global step {@code step}: rows {@code rowIndex} (int64,
     * strictly increasing, in range) of the {@code rows x d} parameter first catch up on the
     * zero-gradient steps dense Adam took since {@code lastStep[row]} (int64, one per row; 0 =
     * never), then take this step's Adam update with {@code gradRows}
     * ({@code rowIndex.numel() x d}). See {@code bm3_cpu_adam_rows} for the closed form.
     */
    public static void adamRows(Tensor param, Tensor rowIndex, Tensor gradRows, Tensor expAvg, Tensor expAvgSq,
                                Tensor lastStep, long step, double lr, double beta1, double beta2, double eps) {
        requireRowState(param, rowIndex, expAvg, expAvgSq, lastStep);
        long n = rowIndex.numel();
        if (n == 0) {
            return; // an empty tensor's data pointer may be null
        }
        requireFloatMatrix("gradRows", gradRows);
        if (gradRows.size(0) != n || gradRows.size(1) != param.size(1)) {
            throw new IllegalArgumentException("gradRows is " + gradRows.size(0) + " x " + gradRows.size(1) + ", expected "
                    + n + " x " + param.size(1));
        }
        int status = NativeKernels.adamRows(param.data_ptr_float(), param.size(0), param.size(1), rowIndex.data_ptr_long(),
                n, gradRows.data_ptr_float(), expAvg.data_ptr_float(), expAvgSq.data_ptr_float(),
                lastStep.data_ptr_long(), step, lr, beta1, beta2, eps);
        rowStatus("bm3_cpu_adam_rows", status, rowIndex, param, step);
    }

    /**
     * The catch-up of {@link #adamRows} alone: rows {@code rowIndex} are brought up to date
     * through step {@code through} (their zero-gradient dense Adam steps since {@code lastStep}),
     * and {@code lastStep} of those rows becomes {@code through}.
     */
    public static void adamRowsCatchUp(Tensor param, Tensor rowIndex, Tensor expAvg, Tensor expAvgSq, Tensor lastStep,
                                       long through, double lr, double beta1, double beta2, double eps) {
        requireRowState(param, rowIndex, expAvg, expAvgSq, lastStep);
        if (rowIndex.numel() == 0) {
            return;
        }
        int status = NativeKernels.adamRowsCatchUp(param.data_ptr_float(), param.size(0), param.size(1), rowIndex.data_ptr_long(),
                rowIndex.numel(), expAvg.data_ptr_float(), expAvgSq.data_ptr_float(), lastStep.data_ptr_long(), through,
                lr, beta1, beta2, eps);
        rowStatus("bm3_cpu_adam_rows_catch_up", status, rowIndex, param, through);
    }

    /**
     * What {@link #adamRowsCatchUp} would leave in {@code rowIndex}'s rows through step
     * {@code through}, written to {@code out} ({@code rowIndex.numel() x cols}, row k for
     * {@code rowIndex[k]}); the parameter, moments and last steps stay as they are, and the next
     * {@link #adamRows} on these rows catches up itself, to the same values.
     */
    public static void adamRowsGather(Tensor param, Tensor rowIndex, Tensor expAvg, Tensor expAvgSq, Tensor lastStep,
                                      long through, double lr, double beta1, double beta2, double eps, Tensor out) {
        requireRowState(param, rowIndex, expAvg, expAvgSq, lastStep);
        requireFloatMatrix("out", out);
        if (out.size(0) != rowIndex.numel() || out.size(1) != param.size(1)) {
            throw new IllegalArgumentException("out is " + out.size(0) + " x " + out.size(1) + ", expected "
                    + rowIndex.numel() + " x " + param.size(1));
        }
        if (rowIndex.numel() == 0) {
            return;
        }
        requireDistinct("out", out, "param", param);
        int status = NativeKernels.adamRowsGather(param.data_ptr_float(), param.size(0), param.size(1),
                rowIndex.data_ptr_long(), rowIndex.numel(), expAvg.data_ptr_float(), expAvgSq.data_ptr_float(),
                lastStep.data_ptr_long(), through, lr, beta1, beta2, eps, out.data_ptr_float());
        rowStatus("bm3_cpu_adam_rows_gather", status, rowIndex, param, through);
    }

    private static void requireRowState(Tensor param, Tensor rowIndex, Tensor expAvg, Tensor expAvgSq, Tensor lastStep) {
        requireAvailable();
        requireFloatMatrix("param", param);
        requireSameShape("param", param, "expAvg", expAvg);
        requireSameShape("param", param, "expAvgSq", expAvgSq);
        requireIndex("rowIndex", rowIndex);
        requireIndex("lastStep", lastStep);
        if (isInt32(rowIndex) || isInt32(lastStep) || lastStep.numel() != param.size(0)) {
            throw new IllegalArgumentException("adamRows: rowIndex and lastStep must be int64, lastStep with one entry per row");
        }
    }

    private static void rowStatus(String function, int status, Tensor rowIndex, Tensor param, long step) {
        if (status == NativeKernels.ERR_INDEX) {
            throw new IllegalArgumentException(firstOutOfRange("rowIndex", rowIndex, param.size(0)));
        }
        if (status == NativeKernels.ERR_ARGUMENT) {
            throw new IllegalArgumentException(function + ": rowIndex must be strictly increasing (distinct, sorted rows)"
                    + " and step " + step + " not before any row's last step");
        }
        check(function, status);
    }

    // ------------------------------------------------------------------ validation

    private static void check(String function, int status) {
        if (status != NativeKernels.OK) {
            throw new IllegalStateException(function + " failed: " + NativeKernels.statusString(status) + " (status " + status + ")");
        }
    }

    static void requireFloatMatrix(String name, Tensor t) {
        if (t == null || t.isNull() || !t.defined()) {
            throw new IllegalArgumentException(name + " is null or undefined");
        }
        if (t.is_sparse() || !t.is_cpu()) {
            throw new IllegalArgumentException(name + " must be a dense CPU tensor");
        }
        if (!is(t, ScalarType.Float)) {
            throw new IllegalArgumentException(name + " is " + t.scalar_type() + ", expected Float");
        }
        if (t.dim() != 2) {
            throw new IllegalArgumentException(name + " has " + t.dim() + " dimensions, expected 2");
        }
        if (t.size(1) == 0) {
            throw new IllegalArgumentException(name + " has 0 columns");
        }
        if (!t.is_contiguous()) {
            throw new IllegalArgumentException(name + " is not contiguous (call contiguous() first)");
        }
    }

    private static void requireSameShape(String refName, Tensor ref, String name, Tensor t) {
        requireFloatMatrix(name, t);
        if (t.size(0) != ref.size(0) || t.size(1) != ref.size(1)) {
            throw new IllegalArgumentException(name + " is " + t.size(0) + " x " + t.size(1) + ", " + refName + " is "
                    + ref.size(0) + " x " + ref.size(1));
        }
    }

    private static void requireIndex(String name, Tensor t) {
        if (t.isNull() || !t.defined()) {
            throw new IllegalArgumentException(name + " is undefined");
        }
        if (t.is_sparse() || !t.is_cpu()) {
            throw new IllegalArgumentException(name + " must be a dense CPU tensor");
        }
        if (!is(t, ScalarType.Long) && !is(t, ScalarType.Int)) {
            throw new IllegalArgumentException(name + " is " + t.scalar_type() + ", expected Long or Int");
        }
        if (t.dim() != 1) {
            throw new IllegalArgumentException(name + " has " + t.dim() + " dimensions, expected 1");
        }
        if (!t.is_contiguous()) {
            throw new IllegalArgumentException(name + " is not contiguous (call contiguous() first)");
        }
    }

    /** JavaCPP returns fresh enum objects from native code: compare the values, not references. */
    private static boolean is(Tensor t, ScalarType type) {
        return t.scalar_type().value == type.value;
    }

    private static boolean isInt32(Tensor index) {
        return index != null && is(index, ScalarType.Int);
    }

    /** The kernels read and write raw memory: an output overlapping an input would be silently wrong. */
    private static void requireDistinct(String aName, Tensor a, String bName, Tensor b) {
        long a0 = a.data_ptr().address();
        long a1 = a0 + a.numel() * 4L;
        long b0 = b.data_ptr().address();
        long b1 = b0 + b.numel() * 4L;
        if (a0 < b1 && b0 < a1) {
            throw new IllegalArgumentException(aName + " and " + bName + " share memory");
        }
    }

    private static String firstOutOfRange(String name, Tensor index, long rows) {
        if (index == null) {
            return null;
        }
        long n = index.numel();
        if (isInt32(index)) {
            IntPointer ip = index.data_ptr_int();
            for (long i = 0; i < n; i++) {
                int v = ip.get(i);
                if (v < 0 || v >= rows) {
                    return name + "[" + i + "] = " + v + " is outside [0, " + rows + ")";
                }
            }
        } else {
            LongPointer lp = index.data_ptr_long();
            for (long i = 0; i < n; i++) {
                long v = lp.get(i);
                if (v < 0 || v >= rows) {
                    return name + "[" + i + "] = " + v + " is outside [0, " + rows + ")";
                }
            }
        }
        return null;
    }
}
