package dev.bm3.model;

import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Lazy Adam for BM3's fast mode: the raw feature tables are updated only at the rows a step
 * touched, each row with its own step count for the bias correction (lr 1e-3, betas (0.9,
 * 0.999), eps 1e-8, no weight decay, as {@link ParameterOptimizer}). Rows a step did not touch
 * keep their values and moments, which is where this differs from dense Adam (there, momentum
 * keeps moving a row after its gradient stopped); a row touched at every step follows dense
 * Adam exactly. Owns its state tensors (moments and per-row counts), closed with it.
 */
abstract class RowSparseAdam implements AutoCloseable {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    final List<Tensor> params;
    final List<Tensor> expAvg = new ArrayList<>();
    final List<Tensor> expAvgSq = new ArrayList<>();
    final List<Tensor> rowSteps = new ArrayList<>();
    final double lr;

    RowSparseAdam(List<Tensor> params, double lr) {
        this.params = List.copyOf(params);
        this.lr = lr;
        try (PointerScope scope = new PointerScope()) {
            for (Tensor p : this.params) {
                expAvg.add(Tensors.keep(torch.zeros_like(p)));
                expAvgSq.add(Tensors.keep(torch.zeros_like(p)));
                rowSteps.add(Tensors.keep(torch.zeros(new long[] {p.size(0)}, Tensors.options(torch.ScalarType.Long, p.device()))));
            }
        }
    }

    /**
     * One step on table {@code k}: {@code rows} (int64, strictly increasing) are the rows the
     * batch touched and {@code gradRows} their gradients ({@code rows.numel() x cols}).
     */
    abstract void step(int k, Tensor rows, Tensor gradRows);

    /** The native kernel ({@code bm3_cpu_adam_rows}): one pass over the touched rows. */
    static final class Native extends RowSparseAdam {
        Native(List<Tensor> params, double lr) {
            super(params, lr);
        }

        @Override
        void step(int k, Tensor rows, Tensor gradRows) {
            try (NoGradGuard g = new NoGradGuard()) {
                Kernels.adamRows(params.get(k), rows, gradRows.contiguous(), expAvg.get(k), expAvgSq.get(k),
                        rowSteps.get(k), lr, BETA1, BETA2, EPS);
            }
        }
    }

    /**
     * The LibTorch composite the kernel replaces: gather the rows' state, apply PyTorch's Adam
     * formulas with per-row bias corrections, scatter back with {@code index_copy_}.
     */
    static final class Torch extends RowSparseAdam {
        Torch(List<Tensor> params, double lr) {
            super(params, lr);
        }

        @Override
        void step(int k, Tensor rows, Tensor gradRows) {
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                Tensor steps = rowSteps.get(k).index_select(0, rows).add(new Scalar(1L));
                rowSteps.get(k).index_copy_(0, rows, steps);
                Tensor stepsD = steps.to(torch.ScalarType.Double);
                // bias corrections per row, in double like PyTorch's scalars, then applied in float
                Tensor bc1 = torch.pow(new Scalar(BETA1), stepsD).neg().add(new Scalar(1.0));
                Tensor bc2 = torch.pow(new Scalar(BETA2), stepsD).neg().add(new Scalar(1.0));
                Tensor stepSize = bc1.reciprocal().mul(new Scalar(lr)).to(torch.ScalarType.Float).unsqueeze(1);
                Tensor invSqrtBc2 = bc2.rsqrt().to(torch.ScalarType.Float).unsqueeze(1);
                Tensor m = expAvg.get(k).index_select(0, rows).mul(new Scalar(BETA1)).add(gradRows, new Scalar(1 - BETA1));
                Tensor v = expAvgSq.get(k).index_select(0, rows).mul(new Scalar(BETA2))
                        .add(gradRows.mul(gradRows), new Scalar(1 - BETA2));
                Tensor denom = v.sqrt().mul(invSqrtBc2).add(new Scalar(EPS));
                Tensor p = params.get(k).index_select(0, rows).sub(m.mul(stepSize).div(denom));
                expAvg.get(k).index_copy_(0, rows, m);
                expAvgSq.get(k).index_copy_(0, rows, v);
                params.get(k).index_copy_(0, rows, p);
            }
        }
    }

    /** Writes moments and per-row step counts under {@code prefix}. */
    void save(OutputArchive archive, String prefix) {
        for (int k = 0; k < params.size(); k++) {
            archive.write(prefix + ".exp_avg." + k, expAvg.get(k));
            archive.write(prefix + ".exp_avg_sq." + k, expAvgSq.get(k));
            archive.write(prefix + ".row_steps." + k, rowSteps.get(k));
        }
    }

    /** Restores what {@link #save} wrote (shapes must match). */
    void load(InputArchive archive, String prefix) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (int k = 0; k < params.size(); k++) {
                readInto(archive, prefix + ".exp_avg." + k, expAvg.get(k));
                readInto(archive, prefix + ".exp_avg_sq." + k, expAvgSq.get(k));
                readInto(archive, prefix + ".row_steps." + k, rowSteps.get(k));
            }
        }
    }

    private static void readInto(InputArchive archive, String key, Tensor into) {
        Tensor t = new Tensor();
        archive.read(key, t);
        if (t.numel() != into.numel() || !t.scalar_type().toString().equals(into.scalar_type().toString())) {
            throw new IllegalArgumentException(key + " has " + t.numel() + " values of " + t.scalar_type() + ", expected "
                    + into.numel() + " of " + into.scalar_type());
        }
        into.copy_(t.reshape(into.sizes()));
    }

    @Override
    public void close() {
        for (int k = params.size() - 1; k >= 0; k--) {
            rowSteps.get(k).close();
            expAvgSq.get(k).close();
            expAvg.get(k).close();
        }
    }
}
