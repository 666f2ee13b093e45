package dev.bm3.bench;

import dev.bm3.data.Dataset;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One training epoch of every model on the same data, batch 2048, the same threads: the suite's
 * per-epoch comparison (issue 5). {@code model}: {@code bm3}, {@code bm3-fast} (BM3 with
 * {@code train_mode=fast}), {@code bpr}, {@code lightgcn}, {@code vbpr}, {@code lattice},
 * {@code freedom}, each with its published defaults ({@code TrainConfig.MODEL_DEFAULTS}).
 * {@code data}:
 * <ul>
 *   <li>{@code lastfm}: Last.fm ({@code lastfm2k_mm}) with its real text (MiniLM, 384-d) and audio
 *       (Whisper, 512-d) features, 22 steps per epoch;</li>
 *   <li>{@code baby-synth}: the real Amazon Baby graph and splits with SYNTHETIC Gaussian features,
 *       4096-d "image" and 384-d "text" (the shapes of the paper's Baby features; the values are
 *       random, which does not change the cost of a step), 59 steps per epoch.</li>
 * </ul>
 * Single-shot time per epoch via {@link EpochRunner}: the model's per-epoch work, the shuffle and
 * the batch assembly are inside, evaluation is not. Peak memory (heap and resident, setup and
 * training windows) and BM3's per-phase breakdown go to the trial record ({@link EpochRunner#finish}).
 *
 * <p>One fork per combination (OpenMP's pool size is fixed at first use, and a fork's peak
 * memory must be its model's alone); the same {@code -Xmx4g} for every model, so heap peaks
 * compare (the synthetic Baby features are 115 MB as Java arrays). Two warm-up epochs (JIT,
 * Adam's state, the allocator, LATTICE's first graph), five measured.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class ModelEpochBenchmark {

    @State(Scope.Benchmark)
    public static class Training extends EpochTrial {
        @Param({"bm3", "bm3-fast", "bpr", "lightgcn", "vbpr", "lattice", "freedom"})
        public String model;

        @Param({"lastfm", "baby-synth"})
        public String data;

        @Override
        EpochRunner start(PeakMemory memory) {
            Dataset dataset = switch (data) {
                case "lastfm" -> BenchData.lastFmOrSynthetic();
                case "baby-synth" -> BenchData.withSyntheticFeatures(BenchData.babyOrSynthetic(),
                        BenchData.babyFeatureWidths());
                default -> throw new IllegalArgumentException("unknown data " + data + " (lastfm, baby-synth)");
            };
            return new EpochRunner("ModelEpochBenchmark", params("data", data, "model", model), dataset, model, memory);
        }
    }

    @Benchmark
    public double epoch(Training s) {
        return s.runner.epoch();
    }
}
