package dev.bm3.kernels;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A sparse matrix in CSR form (int32 row pointers and column indices, float32 values) copied
 * into native memory and structure-checked once, so that the per-step kernels can trust it.
 *
 * <p>Built from plain Java arrays (what {@code dev.bm3.graph} produces). The native copies are
 * pinned against {@code PointerScope}s: a matrix created inside a scope survives the scope
 * and is freed by {@link #close()} only. Immutable after construction; safe to share between
 * threads for reading.
 */
public final class CsrMatrix implements AutoCloseable {
    private final int rows;
    private final int cols;
    private final long nnz;
    private final IntPointer rowPtr;
    private final IntPointer colIdx;
    private final FloatPointer values;
    private boolean closed;

    private CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
        this.rows = rows;
        this.cols = cols;
        this.nnz = colIdx.length;
        this.rowPtr = pin(new IntPointer(rowPtr));
        // a zero-length allocation may yield a null address; keep one element so the C side
        // never sees null for an empty graph
        this.colIdx = pin(new IntPointer(colIdx.length == 0 ? new int[1] : colIdx));
        this.values = pin(new FloatPointer(values.length == 0 ? new float[1] : values));
    }

    /**
     * Copies and validates a CSR matrix.
     *
     * @param rows   number of rows {@code n}
     * @param cols   number of columns (rows of the dense operand)
     * @param rowPtr {@code n + 1} offsets, {@code rowPtr[0] == 0}, non-decreasing
     * @param colIdx column of each non-zero, in {@code [0, cols)}
     * @param values value of each non-zero
     * @throws IllegalArgumentException naming the first inconsistency found
     * @throws IllegalStateException    when the native library is not available
     */
    public static CsrMatrix copyOf(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("CSR shape must be non-negative, got " + rows + " x " + cols);
        }
        if (rowPtr.length != rows + 1) {
            throw new IllegalArgumentException("rowPtr has " + rowPtr.length + " entries, expected rows + 1 = " + (rows + 1));
        }
        if (colIdx.length != values.length) {
            throw new IllegalArgumentException("colIdx has " + colIdx.length + " entries, values has " + values.length);
        }
        Kernels.requireAvailable();
        CsrMatrix m = new CsrMatrix(rows, cols, rowPtr, colIdx, values);
        int status = NativeKernels.csrCheck(rows, cols, m.rowPtr, m.colIdx, m.nnz);
        if (status != NativeKernels.OK) {
            String detail = describeDefect(rows, cols, rowPtr, colIdx);
            m.close();
            throw new IllegalArgumentException("invalid CSR matrix (" + rows + " x " + cols + ", nnz " + colIdx.length
                    + "): " + detail);
        }
        return m;
    }

    /** Only reached on failure: find the first defect in Java to name it precisely. */
    private static String describeDefect(int rows, int cols, int[] rowPtr, int[] colIdx) {
        if (rowPtr[0] != 0) {
            return "rowPtr[0] = " + rowPtr[0] + ", expected 0";
        }
        for (int i = 0; i < rows; i++) {
            if (rowPtr[i + 1] < rowPtr[i]) {
                return "rowPtr decreases at " + (i + 1) + ": " + rowPtr[i] + " > " + rowPtr[i + 1];
            }
        }
        if (rowPtr[rows] != colIdx.length) {
            return "rowPtr[rows] = " + rowPtr[rows] + ", but there are " + colIdx.length + " non-zeros";
        }
        for (int j = 0; j < colIdx.length; j++) {
            if (colIdx[j] < 0 || colIdx[j] >= cols) {
                return "colIdx[" + j + "] = " + colIdx[j] + " is outside [0, " + cols + ")";
            }
        }
        return "rejected by bm3_csr_check";
    }

    private static <P extends org.bytedeco.javacpp.Pointer> P pin(P p) {
        // one reference of our own: an enclosing PointerScope only adds and removes its own
        p.retainReference();
        return p;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** Number of stored non-zeros. */
    public long nnz() {
        return nnz;
    }

    IntPointer rowPtr() {
        ensureOpen();
        return rowPtr;
    }

    IntPointer colIdx() {
        ensureOpen();
        return colIdx;
    }

    FloatPointer values() {
        ensureOpen();
        return values;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("CsrMatrix is closed");
        }
    }

    /** Frees the native copies; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            rowPtr.releaseReference();
            colIdx.releaseReference();
            values.releaseReference();
        }
    }
}
