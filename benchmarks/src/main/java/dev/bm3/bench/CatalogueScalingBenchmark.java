package dev.bm3.bench;

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
 * How a BM3 epoch grows with the catalogue: {@code train_mode} {@code exact} (every item's raw
 * features projected, and every feature row updated, each step) vs {@code fast} (the batch's
 * items only), at {@code x1} = 7,050 items (Baby's catalogue) and {@code x10} = 70,500 items.
 * Both sizes use a SYNTHETIC power-law graph ({@link BenchData#powerLawFixedUsers}) with Baby's
 * 19,445 users and exactly Baby's 119,674 training interactions, the same users with the same
 * degrees, so steps per epoch (59) are equal and only the catalogue grows; SYNTHETIC Gaussian
 * 4096-d "image" and 384-d "text" features. BM3's Baby defaults, batch 2048, native kernels.
 * Time per epoch as in {@link ModelEpochBenchmark} (shared {@link EpochRunner}).
 *
 * <p>Memory: at x10 the 4096-d table is 70,500 x 4,096 floats = 1.15 GB as a Java array, and
 * exact mode holds it natively with its gradient and two Adam moments (6.8 GB resident in a smoke
 * run; 1.2 GB of live heap), hence {@code -Xmx6g} and a machine with ~8 GB free. An exact x10
 * epoch takes about three minutes on one thread, so one warm-up and three measured epochs.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class CatalogueScalingBenchmark {
    /** Users' degrees are capped by the x1 catalogue (as {@link BenchData#powerLaw} caps them at items / 4). */
    static final int DEGREE_CAP = BenchData.BABY_ITEMS / 4;

    @State(Scope.Benchmark)
    public static class Training extends EpochTrial {
        @Param({"exact", "fast"})
        public String mode;

        @Param({"x1", "x10"})
        public String catalogue;

        @Override
        EpochRunner start(PeakMemory memory) {
            int factor = switch (catalogue) {
                case "x1" -> 1;
                case "x10" -> 10;
                default -> throw new IllegalArgumentException("unknown catalogue " + catalogue + " (x1, x10)");
            };
            BenchData.Interactions graph = BenchData.powerLawFixedUsers("powerlaw-" + catalogue, BenchData.BABY_USERS,
                    factor * BenchData.BABY_ITEMS, BenchData.BABY_EDGES, DEGREE_CAP, BenchData.SEED + 30);
            String model = switch (mode) {
                case "exact" -> "bm3";
                case "fast" -> "bm3-fast";
                default -> throw new IllegalArgumentException("unknown mode " + mode + " (exact, fast)");
            };
            return new EpochRunner("CatalogueScalingBenchmark", params("catalogue", catalogue, "mode", mode),
                    BenchData.withSyntheticFeatures(graph, BenchData.babyFeatureWidths()), model, memory);
        }
    }

    @Benchmark
    public double epoch(Training s) {
        return s.runner.epoch();
    }
}
