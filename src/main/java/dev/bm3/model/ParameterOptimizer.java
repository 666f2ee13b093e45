package dev.bm3.model;

import dev.bm3.kernels.Kernels;
import dev.bm3.torch.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Adam over a fixed list of parameters (lr constant, betas (0.9, 0.999), eps 1e-8, no weight decay). */
interface ParameterOptimizer extends AutoCloseable {
    void zeroGrad();

    void step();

    /** Writes the optimizer state (moments, step counts) under {@code prefix}. */
    void save(OutputArchive archive, String prefix);

    /** Restores what {@link #save} wrote. */
    void load(InputArchive archive, String prefix);

    @Override
    void close();

    /** LibTorch's {@code torch::optim::Adam}. */
    final class Torch implements ParameterOptimizer {
        private final TensorVector params;
        private final Adam adam;

        Torch(List<Tensor> parameters, double lr) {
            params = new TensorVector(parameters.toArray(new Tensor[0]));
            adam = new Adam(params, new AdamOptions(lr));
        }

        @Override
        public void zeroGrad() {
            adam.zero_grad();
        }

        @Override
        public void step() {
            adam.step();
        }

        @Override
        public void save(OutputArchive archive, String prefix) {
            OutputArchive sub = new OutputArchive();
            adam.save(sub);
            archive.write(prefix, sub);
        }

        @Override
        public void load(InputArchive archive, String prefix) {
            InputArchive sub = new InputArchive();
            archive.read(prefix, sub);
            adam.load(sub);
        }

        @Override
        public void close() {
            adam.close();
            params.close();
        }
    }

    /**
     * The same Adam fused into one native pass per parameter (read p, g, m, v; write p, m, v)
     * instead of LibTorch's six tensor operations per parameter. Per-parameter step counts, as
     * PyTorch keeps them; a parameter without a gradient is skipped, as PyTorch does.
     */
    final class Fused implements ParameterOptimizer {
        private final List<Tensor> params;
        private final List<Tensor> expAvg = new ArrayList<>();
        private final List<Tensor> expAvgSq = new ArrayList<>();
        private final long[] steps;
        private final double lr;

        Fused(List<Tensor> parameters, double lr) {
            this.params = List.copyOf(parameters);
            this.lr = lr;
            this.steps = new long[params.size()];
            try (PointerScope scope = new PointerScope()) {
                for (Tensor p : params) {
                    expAvg.add(Tensors.keep(torch.zeros_like(p)));
                    expAvgSq.add(Tensors.keep(torch.zeros_like(p)));
                }
            }
        }

        @Override
        public void zeroGrad() {
            for (Tensor p : params) {
                if (p.grad().defined()) {
                    p.mutable_grad().put(new Tensor()); // undefined, as LibTorch's set_to_none
                }
            }
        }

        @Override
        public void step() {
            try (NoGradGuard g = new NoGradGuard()) {
                for (int k = 0; k < params.size(); k++) {
                    Tensor p = params.get(k);
                    Tensor grad = p.grad();
                    if (!grad.defined()) {
                        continue;
                    }
                    Kernels.adamStep(p, grad.contiguous(), expAvg.get(k), expAvgSq.get(k), lr, 0.9, 0.999, 1e-8, ++steps[k]);
                }
            }
        }

        @Override
        public void save(OutputArchive archive, String prefix) {
            for (int k = 0; k < params.size(); k++) {
                archive.write(prefix + ".exp_avg." + k, expAvg.get(k));
                archive.write(prefix + ".exp_avg_sq." + k, expAvgSq.get(k));
            }
            archive.write(prefix + ".steps", Tensors.fromLongs(steps, new org.bytedeco.pytorch.Device(torch.DeviceType.CPU)));
        }

        @Override
        public void load(InputArchive archive, String prefix) {
            try (NoGradGuard g = new NoGradGuard()) {
                for (int k = 0; k < params.size(); k++) {
                    ParameterArchive.readInto(archive, prefix + ".exp_avg." + k, expAvg.get(k));
                    ParameterArchive.readInto(archive, prefix + ".exp_avg_sq." + k, expAvgSq.get(k));
                }
                ParameterArchive.readLongs(archive, prefix + ".steps", steps);
            }
        }

        @Override
        public void close() {
            for (int k = params.size() - 1; k >= 0; k--) {
                expAvgSq.get(k).close();
                expAvg.get(k).close();
            }
        }
    }
}
