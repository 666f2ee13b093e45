package dev.bm3.model;

import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.kernels.CsrMatrix;
import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Propagation through the native CSR kernel, outside autograd. CPU, float32 only.
 * {@link #encode} is the plain layer mean (no gradient): BM3 trains through
 * {@link #encodeRows} / {@link #finishRowsBackward}. There one native call reads E_U and E_I in
 * place and writes H_U and H_I (item residual included) with every row's squared norm into
 * buffers kept across steps; only the batch's rows enter autograd (as leaves). The layer mean is
 * linear and Â symmetric, so the backward is the same kernel, applied to the gradient of H: the
 * regulariser's part (proportional to H) and the rows' gradients are built in place in those
 * buffers. So no catalogue-sized tensor is allocated, concatenated, zero-filled or accumulated
 * per step: the (users + items) x d work is the two kernel passes, one scaling pass and Adam.
 */
public final class NativePropagation implements Propagation {
    private final CsrMatrix adjacency;
    private final int nUsers;
    /** Per-layer products for n_layers >= 2 / >= 3, made on first need. */
    private Tensor scratchA;
    private Tensor scratchB;
    private final long nItems;
    private final long embeddingSize;
    /** {@link #encodeRows}' buffers (H_U, H_I, their row norms, the embeddings' gradients), made on first use. */
    private Tensor hUsers;
    private Tensor hItems;
    private Tensor rowSq;
    private double[] rowSqHost;
    private Tensor gradUsers;
    private Tensor gradItems;
    private EncodedRows lastRows;

    public NativePropagation(NormalizedAdjacency graph, int embeddingSize) {
        if (!Kernels.available()) {
            throw new IllegalStateException("native kernels unavailable: " + Kernels.unavailableReason());
        }
        this.adjacency = CsrMatrix.copyOf(graph.nNodes(), graph.nNodes(), graph.rowPtr(), graph.colIdx(), graph.values());
        this.nUsers = graph.nUsers();
        this.nItems = graph.nNodes() - graph.nUsers();
        this.embeddingSize = embeddingSize;
    }

    private static Tensor buffer(long rows, long cols) {
        return torch.empty(new long[] {rows, cols}, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
    }

    /** The layer mean H = [H_U; H_I] (no item residual), outside autograd, in the caller's scope. */
    @Override
    public Tensor encode(Tensor userEmb, Tensor itemEmb, int layers) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor h = buffer(userEmb.size(0) + itemEmb.size(0), userEmb.size(1));
            Kernels.lightGcnMeanBlocks(adjacency, userEmb, itemEmb, layers, false, h.narrow(0, 0, nUsers),
                    h.narrow(0, nUsers, nItems), scratchA(layers), scratchB(layers), null);
            return h;
        }
    }

    /** Kept n x d scratch for layer products: null unless {@code layers >= 2}. */
    private Tensor scratchA(int layers) {
        if (layers >= 2 && scratchA == null) {
            try (PointerScope scope = new PointerScope()) {
                scratchA = Tensors.keep(buffer(nUsers + nItems, embeddingSize));
            }
        }
        return layers >= 2 ? scratchA : null;
    }

    /** The second scratch: null unless {@code layers >= 3}. */
    private Tensor scratchB(int layers) {
        if (layers >= 3 && scratchB == null) {
            try (PointerScope scope = new PointerScope()) {
                scratchB = Tensors.keep(buffer(nUsers + nItems, embeddingSize));
            }
        }
        return layers >= 3 ? scratchB : null;
    }

    /**
     * BM3's H_U and H_I = (layer mean)_I + E_I for scoring and targets (no autograd), fresh
     * tensors in the caller's scope; the same arithmetic as {@link #encodeRows}.
     */
    public Tensor[] encodeResidual(Tensor userEmb, Tensor itemEmb, int layers) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor hu = buffer(userEmb.size(0), userEmb.size(1));
            Tensor hi = buffer(itemEmb.size(0), itemEmb.size(1));
            Kernels.lightGcnMeanBlocks(adjacency, userEmb, itemEmb, layers, true, hu, hi, scratchA(layers), scratchB(layers), null);
            return new Tensor[] {hu, hi};
        }
    }

    /**
     * A training step's forward of BM3's ID side: H_U and H_I (with the item residual) into this
     * object's buffers, the batch's rows gathered into fresh autograd leaves, and the Frobenius
     * norms of both blocks. Call {@link #finishRowsBackward} after {@code loss.backward()}.
     *
     * @param users the batch's users (int64), one row of {@code userRows} each
     * @param items the batch's items (int64), one row of {@code itemRows} each
     */
    public EncodedRows encodeRows(Tensor userEmb, Tensor itemEmb, int layers, Tensor users, Tensor items) {
        if (userEmb.size(0) != nUsers || itemEmb.size(0) != nItems || userEmb.size(1) != embeddingSize) {
            throw new IllegalArgumentException("embeddings " + userEmb.size(0) + " + " + itemEmb.size(0) + " x "
                    + userEmb.size(1) + " do not match the graph's " + nUsers + " + " + nItems + " x " + embeddingSize);
        }
        allocateRowBuffers();
        try (NoGradGuard g = new NoGradGuard()) {
            Kernels.lightGcnMeanBlocks(adjacency, userEmb, itemEmb, layers, true, hUsers, hItems, scratchA(layers),
                    scratchB(layers), rowSq);
        }
        // sequential sums: the same value for any thread count
        double[] sq = rowSqHost;
        rowSq.data_ptr_double().get(sq);
        double su = 0;
        double si = 0;
        for (int r = 0; r < nUsers; r++) {
            su += sq[r];
        }
        for (int r = nUsers; r < sq.length; r++) {
            si += sq[r];
        }
        Tensor userRows;
        Tensor itemRows;
        try (NoGradGuard g = new NoGradGuard()) {
            userRows = hUsers.index_select(0, users);
            itemRows = hItems.index_select(0, items);
        }
        userRows.requires_grad_(true);
        itemRows.requires_grad_(true);
        lastRows = new EncodedRows(users, items, userRows, itemRows, Math.sqrt(su), Math.sqrt(si));
        return lastRows;
    }

    /**
     * After {@code loss.backward()} for a loss built on {@link #encodeRows}' rows plus
     * {@code normWeight * (||H_U|| + ||H_I||)} (not part of the autograd graph): sets the
     * embeddings' gradients. dL/dH = normWeight H / ||H|| per block (0 for a zero block, as
     * autograd's norm) plus the rows' gradients at their rows, built in place over H; then the
     * encoder's backward, the same kernel, writes the gradients. The embeddings' gradients must
     * be undefined (after zero-grad) or other tensors, which are then added to.
     */
    public void finishRowsBackward(Tensor userEmb, Tensor itemEmb, int layers, double normWeight) {
        EncodedRows rows = lastRows;
        lastRows = null;
        if (rows == null) {
            throw new IllegalStateException("finishRowsBackward without encodeRows");
        }
        // before the kernel overwrites them: the buffers must not still be last step's gradients
        requireNotStillSet(userEmb, gradUsers);
        requireNotStillSet(itemEmb, gradItems);
        try (NoGradGuard g = new NoGradGuard()) {
            hUsers.mul_(new Scalar(rows.userNorm() > 0 ? normWeight / rows.userNorm() : 0.0));
            hItems.mul_(new Scalar(rows.itemNorm() > 0 ? normWeight / rows.itemNorm() : 0.0));
            Tensor gu = rows.userRows().grad();
            if (gu.defined()) {
                hUsers.index_add_(0, rows.users(), gu);
            }
            Tensor gi = rows.itemRows().grad();
            if (gi.defined()) {
                hItems.index_add_(0, rows.items(), gi);
            }
            Kernels.lightGcnMeanBlocks(adjacency, hUsers, hItems, layers, true, gradUsers, gradItems,
                    scratchA(layers), scratchB(layers), null);
            setGradient(userEmb, gradUsers);
            setGradient(itemEmb, gradItems);
        }
    }

    private void allocateRowBuffers() {
        if (hUsers != null) {
            return;
        }
        try (PointerScope scope = new PointerScope()) {
            hUsers = Tensors.keep(buffer(nUsers, embeddingSize));
            hItems = Tensors.keep(buffer(nItems, embeddingSize));
            gradUsers = Tensors.keep(buffer(nUsers, embeddingSize));
            gradItems = Tensors.keep(buffer(nItems, embeddingSize));
            rowSq = Tensors.keep(torch.empty(new long[] {nUsers + nItems},
                    new TensorOptions(torch.ScalarType.Double), new MemoryFormatOptional()));
        }
        rowSqHost = new double[(int) (nUsers + nItems)];
    }

    private static void requireNotStillSet(Tensor p, Tensor buffer) {
        Tensor current = p.grad();
        if (current.defined() && current.data_ptr().address() == buffer.data_ptr().address()) {
            throw new IllegalStateException("the previous step's gradient is still set: zero the gradients first");
        }
    }

    /** The buffer becomes the gradient (no copy); an existing other gradient is added to instead. */
    private static void setGradient(Tensor p, Tensor buffer) {
        Tensor current = p.grad();
        if (!current.defined()) {
            p.mutable_grad().put(buffer);
        } else {
            current.add_(buffer);
        }
    }

    /**
     * One step's rows from {@link #encodeRows}: the batch's index tensors, the gathered rows
     * (autograd leaves, borrowed from the step's scope) and the blocks' Frobenius norms.
     */
    public record EncodedRows(Tensor users, Tensor items, Tensor userRows, Tensor itemRows, double userNorm,
                              double itemNorm) {
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public void close() {
        lastRows = null;
        for (Tensor t : new Tensor[] {hUsers, hItems, rowSq, gradUsers, gradItems}) {
            if (t != null) {
                t.close();
            }
        }
        if (scratchB != null) {
            scratchB.close();
        }
        if (scratchA != null) {
            scratchA.close();
        }
        adjacency.close();
    }
}
