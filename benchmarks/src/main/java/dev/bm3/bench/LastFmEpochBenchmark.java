package dev.bm3.bench;

import dev.bm3.data.Dataset;
import dev.bm3.torch.TorchRuntime;
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
import org.openjdk.jmh.infra.IterationParams;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A full BM3 training epoch on Last.fm ({@code lastfm2k_mm}: {@code lfm2k.inter}, text =
 * {@code all-MiniLM-L6-v2.npy}, audio = {@code whisper.npy}; n_layers 1, dropout 0.5, reg 0.1,
 * cl 2.0, batch 2048 = 22 steps, Adam lr 1e-3), one LibTorch thread, kernels native vs torch.
 * The reference (PyTorch, same machine class, 1 thread) takes a median 0.53 s per epoch
 * (REFERENCE-RESULTS.md). Time per epoch includes the shuffle and the batch assembly, as the
 * reference's loop does; evaluation is excluded, as in the reference's number.
 *
 * <p>Single-shot: one invocation = one epoch, timed alone. Three warm-up epochs for the JIT,
 * Adam's state and the allocator; ten measured epochs (~a few seconds). One fork per kernel path.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class LastFmEpochBenchmark {

    @State(Scope.Benchmark)
    public static class Epoch {
        @Param({"native", "torch"})
        public String kernels;

        @Param({"1"})
        public int threads;

        StepRunner runner;
        double firstEpochLoss = Double.NaN;
        double lastEpochLoss = Double.NaN;

        @Setup(Level.Trial)
        public void setUp() {
            TorchRuntime.setThreads(threads);
            Dataset data = BenchData.lastFmOrSynthetic();
            runner = new StepRunner(data, Map.of("n_layers", 1, "dropout", 0.5, "reg_weight", 0.1, "cl_weight", 2.0,
                    "train_batch_size", 2048), kernels);
            System.out.printf("%n%s: %d users, %d items, %d training pairs, %d steps per epoch, modalities %s, threads %d%n",
                    data.name(), data.nUsers(), data.nItems(), data.train().size(), runner.stepsPerEpoch(),
                    data.modalities().keySet(), threads);
        }

        /** Phase times cover measured iterations only (see {@link StepRunner#onIteration}). */
        @Setup(Level.Iteration)
        public void resetPhases(IterationParams params) {
            runner.onIteration(params);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            // a training run that does not learn is not a benchmark of training
            if (!(lastEpochLoss < firstEpochLoss)) {
                throw new IllegalStateException("mean epoch loss did not decrease: first " + firstEpochLoss
                        + ", last " + lastEpochLoss);
            }
            System.out.printf("%nkernels=%s: mean loss first epoch %.5f, last epoch %.5f; %s%n", kernels,
                    firstEpochLoss, lastEpochLoss, runner.phaseLine());
            runner.close();
        }
    }

    @Benchmark
    public double epoch(Epoch s) {
        double loss = s.runner.epoch();
        if (Double.isNaN(s.firstEpochLoss)) {
            s.firstEpochLoss = loss;
        }
        s.lastEpochLoss = loss;
        return loss;
    }
}
