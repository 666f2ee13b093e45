package dev.bm3.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One recommender, 16 threads of mixed calls in shuffled orders: every answer equals the single-threaded one. */
class ConcurrencyTest {
    static List<Function<Recommender, Object>> mixedCalls(int n, long seed, int nUsers, int nItems) {
        Random r = new Random(seed);
        List<Function<Recommender, Object>> calls = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            int u = r.nextInt(nUsers);
            int i = r.nextInt(nItems);
            int k = 1 + r.nextInt(30);
            switch (c % 6) {
                case 0 -> calls.add(rec -> rec.recommend(u, k));
                case 1 -> calls.add(rec -> rec.recommend(IntStream.range(0, 40).map(b -> (u + 13 * b) % nUsers).toArray(), k));
                case 2 -> calls.add(rec -> toList(rec.score(u, new int[] {i, (i + 1) % nItems, (i + 7) % nItems})));
                case 3 -> calls.add(rec -> rec.similarItems(i, k));
                case 4 -> calls.add(rec -> rec.recommend(rec.userId(u), k, List.of(rec.itemId(i))));
                default -> calls.add(rec -> rec.recommendUsersForItem(rec.itemEmbedding(i), k));
            }
        }
        return calls;
    }

    static List<Float> toList(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) {
            l.add(v);
        }
        return l;
    }

    @Test
    void sixteenThreadsOfMixedCallsMatchASingleThread() throws Exception {
        try (Recommender rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(2))) {
            List<Function<Recommender, Object>> calls = mixedCalls(600, 42, rec.userCount(), rec.itemCount());
            List<Object> expected = new ArrayList<>();
            for (Function<Recommender, Object> c : calls) {
                expected.add(c.apply(rec));
            }
            ExecutorService ex = Executors.newFixedThreadPool(16);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    List<Integer> order = new ArrayList<>(IntStream.range(0, calls.size()).boxed().toList());
                    Collections.shuffle(order, new Random(t));
                    Callable<Integer> job = () -> {
                        for (int idx : order) {
                            assertEquals(expected.get(idx), calls.get(idx).apply(rec), "call " + idx);
                        }
                        return order.size();
                    };
                    done.add(ex.submit(job));
                }
                int total = 0;
                for (Future<Integer> f : done) {
                    total += f.get();
                }
                assertEquals(16 * 600, total);
            } finally {
                ex.shutdown();
            }
        }
    }
}
