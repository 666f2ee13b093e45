package dev.bm3.graph;

import dev.bm3.data.Dataset;
import dev.bm3.data.Split;
import dev.bm3.data.UserItems;

import java.util.Arrays;

/**
 * The symmetrically normalized bipartite adjacency {@code Â = D^-1/2 A D^-1/2} of the training
 * graph (SPEC section 2). Nodes {@code 0 .. U-1} are users and {@code U .. U+I-1} items;
 * {@code A[u, U+i] = A[U+i, u] = 1} for every distinct training pair, with no self loops;
 * {@code deg = row sum + 1e-7}, so isolated nodes keep empty rows instead of dividing by zero.
 * Values are computed in double and stored as float, as LibTorch will use them.
 *
 * <p>Stored in CSR form: row r's columns are {@code colIdx[rowPtr[r] .. rowPtr[r+1])}, ascending,
 * with the matching {@code values}. The arrays are owned by this object and must not be mutated.
 */
public final class NormalizedAdjacency {
    /** Added to every degree, as the reference does. */
    public static final double DEGREE_EPSILON = 1e-7;

    private final int nUsers;
    private final int nItems;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final float[] values;

    private NormalizedAdjacency(int nUsers, int nItems, int[] rowPtr, int[] colIdx, float[] values) {
        this.nUsers = nUsers;
        this.nItems = nItems;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
    }

    /** The graph of a dataset's training split. */
    public static NormalizedAdjacency of(Dataset d) {
        return fromTraining(d.nUsers(), d.nItems(), d.train());
    }

    /** The graph of the given training pairs; duplicates collapse. */
    public static NormalizedAdjacency fromTraining(int nUsers, int nItems, Split train) {
        if (nUsers < 0 || nItems < 0 || (long) nUsers + nItems > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("bad graph size: " + nUsers + " users + " + nItems + " items");
        }
        for (int k = 0; k < train.size(); k++) {
            int u = train.users()[k];
            int i = train.items()[k];
            if (u < 0 || u >= nUsers || i < 0 || i >= nItems) {
                throw new IllegalArgumentException("training pair " + k + ": (" + u + ", " + i + ") outside "
                        + nUsers + " users x " + nItems + " items");
            }
        }
        UserItems byUser = train.byUser(nUsers);
        int[] userItems = byUser.items();
        int pairs = userItems.length;
        if (pairs > (Integer.MAX_VALUE - 8) / 2) {
            throw new IllegalArgumentException(pairs + " distinct training pairs exceed the CSR index range");
        }
        int n = nUsers + nItems;
        int[] itemDegree = new int[nItems];
        for (int i : userItems) {
            itemDegree[i]++;
        }
        int[] rowPtr = new int[n + 1];
        for (int u = 0; u < nUsers; u++) {
            rowPtr[u + 1] = rowPtr[u] + byUser.count(u);
        }
        for (int i = 0; i < nItems; i++) {
            rowPtr[nUsers + i + 1] = rowPtr[nUsers + i] + itemDegree[i];
        }
        double[] invSqrtDeg = new double[n];
        for (int r = 0; r < n; r++) {
            invSqrtDeg[r] = 1.0 / Math.sqrt(rowPtr[r + 1] - rowPtr[r] + DEGREE_EPSILON);
        }
        int[] colIdx = new int[2 * pairs];
        float[] values = new float[2 * pairs];
        // User rows first: a user's items are already sorted, so its columns U+i come out ascending.
        // Filling item rows while scanning users in increasing order keeps those sorted as well.
        int[] itemFill = new int[nItems];
        for (int i = 0; i < nItems; i++) {
            itemFill[i] = rowPtr[nUsers + i];
        }
        for (int u = 0; u < nUsers; u++) {
            for (int k = byUser.offsets()[u]; k < byUser.offsets()[u + 1]; k++) {
                int i = userItems[k];
                float v = (float) (invSqrtDeg[u] * invSqrtDeg[nUsers + i]);
                colIdx[k] = nUsers + i;
                values[k] = v;
                int at = itemFill[i]++;
                colIdx[at] = u;
                values[at] = v;
            }
        }
        return new NormalizedAdjacency(nUsers, nItems, rowPtr, colIdx, values);
    }

    public int nUsers() {
        return nUsers;
    }

    public int nItems() {
        return nItems;
    }

    /** {@code N = U + I}. */
    public int nNodes() {
        return nUsers + nItems;
    }

    /** Stored entries: twice the number of distinct training pairs. */
    public int nnz() {
        return values.length;
    }

    /** Length {@code nNodes + 1}. */
    public int[] rowPtr() {
        return rowPtr;
    }

    /** Length {@code nnz}, ascending within each row. */
    public int[] colIdx() {
        return colIdx;
    }

    /** Length {@code nnz}, aligned with {@link #colIdx()}. */
    public float[] values() {
        return values;
    }

    /**
     * COO indices in the layout of a {@code [2, nnz]} int64 tensor, as LibTorch's
     * {@code sparse_coo_tensor} takes them: entries {@code 0 .. nnz-1} are row indices,
     * {@code nnz .. 2 nnz-1} the column indices; pair them with {@link #values()}. Row-major order,
     * so the tensor is already coalesced. Built fresh on each call.
     */
    public long[] cooIndices() {
        int nnz = nnz();
        long[] out = new long[2 * nnz];
        for (int r = 0; r < nNodes(); r++) {
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
                out[k] = r;
                out[nnz + k] = colIdx[k];
            }
        }
        return out;
    }

    /** The value at (row, col), 0 when absent; a binary search in the row. */
    public float get(int row, int col) {
        int k = Arrays.binarySearch(colIdx, rowPtr[row], rowPtr[row + 1], col);
        return k >= 0 ? values[k] : 0f;
    }
}
