package dev.bm3.api;

import dev.bm3.train.ResidentMemorySoak;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Child-JVM body of {@link RecommenderSoakTest}: opens the run given as argument and makes 100,000
 * mixed calls, printing {@code rss CALLS KB} (VmRSS) every 2,500 calls.
 */
public final class RecommenderSoak {
    public static void main(String[] args) throws Exception {
        try (Recommender rec = Recommender.open(Path.of(args[0]), RecommenderOptions.threads(2))) {
            List<Function<Recommender, Object>> calls = ConcurrencyTest.mixedCalls(1000, 7, rec.userCount(), rec.itemCount());
            long sink = 0;
            for (int c = 1; c <= 100_000; c++) {
                sink += calls.get(c % calls.size()).apply(rec).hashCode();
                if (c % 2500 == 0) {
                    System.out.println("rss " + c + " " + ResidentMemorySoak.residentKb());
                }
            }
            System.out.println("done " + sink);
        }
    }
}
