package dev.bm3.bench;

import dev.bm3.api.Recommendation;
import dev.bm3.api.Recommender;
import dev.bm3.api.RecommenderOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Serving throughput and latency of {@link Recommender} at Amazon Baby scale: 19,445 users x
 * 7,050 items, d = 64, random Gaussian embeddings (throughput does not depend on what the vectors
 * hold) and ~6 excluded training items per user (Baby's mean), top-20 over ALL items.
 *
 * <ul>
 *   <li>{@code single}: one user per call on the calling thread (Throughput = queries per
 *       second; SampleTime = latency percentiles p50/p99 per call).</li>
 *   <li>{@code batch1024}: 1,024 users per call on the recommender's pool of {@code threads};
 *       {@code @OperationsPerInvocation(1024)} makes the score users (queries) per second.</li>
 * </ul>
 *
 * <p>Warm-up: three 1 s iterations, enough for C2 to compile (and vectorise) the block product
 * and the heap; the first calls are interpreted and 10-50x slower, so a service should issue a
 * few hundred calls before taking traffic. One fork: the state builds in under a second and the
 * 2-core machine's noise dominates fork-to-fork variation. Setup checks the results (batch equals
 * single calls; the top item beats every other candidate) and prints the heap one loaded model
 * holds.
 */
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class RecommenderBenchmark {
    static final int USERS = 19_445;
    static final int ITEMS = 7_050;
    static final int DIM = 64;
    static final int K = 20;

    @Param({"2"})
    int threads;

    Recommender rec;
    int[] batch;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(2026);
        float[] u = new float[USERS * DIM];
        float[] i = new float[ITEMS * DIM];
        for (int k = 0; k < u.length; k++) {
            u[k] = (float) rnd.nextGaussian();
        }
        for (int k = 0; k < i.length; k++) {
            i[k] = (float) rnd.nextGaussian();
        }
        int[][] excluded = new int[USERS][];
        for (int k = 0; k < USERS; k++) {
            excluded[k] = rnd.ints(6, 0, ITEMS).toArray();
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        rec = Recommender.fromEmbeddings(DIM, u, i, excluded, RecommenderOptions.threads(threads));
        u = null;
        i = null;
        excluded = null;
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf("%nmemory per loaded model: %.1f MB counted by Recommender.memoryBytes(), %.1f MB heap delta after GC%n",
                rec.memoryBytes() / 1048576.0, (after - before) / 1048576.0);
        batch = IntStream.range(0, 1024).map(b -> (b * 19) % USERS).toArray();
        List<List<Recommendation>> all = rec.recommend(batch, K);
        for (int b = 0; b < batch.length; b += 97) {
            if (!all.get(b).equals(rec.recommend(batch[b], K))) {
                throw new IllegalStateException("batch answer differs from the single call for user " + batch[b]);
            }
            // the top-K equals the head of a full ranking of every candidate
            List<Recommendation> full = rec.recommend(batch[b], ITEMS);
            if (!full.subList(0, K).equals(all.get(b))) {
                throw new IllegalStateException("top-" + K + " of user " + batch[b] + " is not the head of its full ranking");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rec.close();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.SECONDS)
    public List<Recommendation> single() {
        int u = next;
        next = next + 7919 >= USERS ? (next + 7919) % USERS : next + 7919;
        return rec.recommend(u, K);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(1024)
    public List<List<Recommendation>> batch1024() {
        return rec.recommend(batch, K);
    }
}
