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
 * One whole BM3 training step ({@code Models.create} then {@code trainStep} on rotating, shuffled
 * batches of 2048 training pairs of the Amazon Baby graph; Adam included), kernels native vs
 * torch, in two settings:
 * <ul>
 *   <li>{@code a-graph-L2-synth384}: graph-heavy; n_layers 2, one 384-d modality of SYNTHETIC
 *       Gaussian features;</li>
 *   <li>{@code b-features-L1-synth4096-synth384}: feature-heavy; n_layers 1, SYNTHETIC 4096-d and
 *       384-d modalities (the trainable 7,050 x 4,096 table and its projection dominate).</li>
 *   <li>{@code c-fast-L1-synth4096-synth384}: setting b in {@code train_mode=fast} (only the
 *       batch's unique items projected, lazy Adam on their feature rows).</li>
 * </ul>
 * The features are random: the step's cost depends on their shapes only. Setup checks that both
 * kernel paths give the same first loss; the per-phase breakdown ({@code StepPhases}, summed
 * over the measurement iterations only) is printed at tear-down.
 *
 * <p>Forks and warm-up: one fork per parameter combination (LibTorch loads once per JVM, the
 * machine has 2 noisy cores); 3 x 2 s warm-up iterations because the first steps also pay for
 * Adam's state allocation and the allocator growing its arenas; 5 x 2 s measured (tens to a few
 * hundred steps each).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TrainingStepBenchmark {

    @State(Scope.Benchmark)
    public static class Training {
        @Param({"a-graph-L2-synth384", "b-features-L1-synth4096-synth384", "c-fast-L1-synth4096-synth384"})
        public String setting;

        @Param({"native", "torch"})
        public String kernels;

        @Param({"1", "2"})
        public int threads;

        StepRunner runner;

        @Setup(Level.Trial)
        public void setUp() {
            TorchRuntime.setThreads(threads);
            BenchData.Interactions rows = BenchData.babyOrSynthetic();
            Dataset data;
            Map<String, Object> settings;
            if (setting.startsWith("a-")) {
                data = BenchData.withSyntheticFeatures(rows, 384);
                settings = Map.of("n_layers", 2);
            } else if (setting.startsWith("b-")) {
                data = BenchData.withSyntheticFeatures(rows, 4096, 384);
                settings = Map.of("n_layers", 1);
            } else if (setting.startsWith("c-")) {
                data = BenchData.withSyntheticFeatures(rows, 4096, 384);
                settings = Map.of("n_layers", 1, "train_mode", "fast");
            } else {
                throw new IllegalArgumentException("unknown setting " + setting);
            }
            System.out.printf("%n%s: %s, %d users, %d items, %d training pairs, synthetic features %s, threads %d%n",
                    setting, data.name(), data.nUsers(), data.nItems(), data.train().size(),
                    data.modalities().keySet(), threads);
            runner = new StepRunner(data, settings, kernels);
        }

        /** Phase times cover measured iterations only (see {@link StepRunner#onIteration}). */
        @Setup(Level.Iteration)
        public void resetPhases(IterationParams params) {
            runner.onIteration(params);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (!Double.isFinite(runner.lastLoss)) {
                throw new IllegalStateException("last training loss is " + runner.lastLoss);
            }
            System.out.printf("%n%s kernels=%s threads=%d: last loss %.5f; %s%n", setting, kernels, threads,
                    runner.lastLoss, runner.phaseLine());
            runner.close();
        }
    }

    @Benchmark
    public double trainStep(Training s) {
        return s.runner.step();
    }
}
