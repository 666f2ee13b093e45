package dev.bm3.api;

import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.Split;
import dev.bm3.data.SplitName;
import dev.bm3.data.SyntheticGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One small BM3 run shared by the API tests (trained once per JVM, a few seconds): synthetic data,
 * 800 users x 500 items, with the interactions of {@link #HELD_OUT} items removed from every split
 * (they stay in the catalogue with their features only), and external id maps ({@code U1000X}
 * style users, tab-separated; {@code sku-...} items, comma-separated).
 */
public final class ApiFixture {
    static final int[] HELD_OUT = {7, 47, 87, 127, 167, 207, 247, 287, 327, 367, 407, 447};
    static final SyntheticGenerator.Config DATA = new SyntheticGenerator.Config(800, 500, 20, 5, 16, 64, 32, 0.2, 11);

    private static Path dataDir;
    private static Path runDir;
    private static Dataset full;
    private static int epochsSeen;

    private ApiFixture() {
    }

    public static String userId(int u) {
        return "U" + (1000 + u) + "X";
    }

    public static String itemId(int i) {
        return "sku-" + Integer.toHexString(0xA000 + i * 3);
    }

    /** The generated data BEFORE the held-out items were removed (their true users live here). */
    static synchronized Dataset fullData() {
        if (full == null) {
            full = new SyntheticGenerator(DATA).generate();
        }
        return full;
    }

    static synchronized Path dataDir() {
        if (dataDir == null) {
            try {
                Path dir = Files.createTempDirectory("bm3-api-data");
                Dataset d = fullData();
                Set<Integer> held = new HashSet<>();
                Arrays.stream(HELD_OUT).forEach(held::add);
                List<int[]> rows = new ArrayList<>();
                for (SplitName s : SplitName.values()) {
                    Split sp = d.split(s);
                    for (int r = 0; r < sp.size(); r++) {
                        if (!held.contains(sp.items()[r])) {
                            rows.add(new int[] {sp.users()[r], sp.items()[r], s.code});
                        }
                    }
                }
                int[] us = rows.stream().mapToInt(r -> r[0]).toArray();
                int[] is = rows.stream().mapToInt(r -> r[1]).toArray();
                byte[] ls = new byte[rows.size()];
                for (int k = 0; k < ls.length; k++) {
                    ls[k] = (byte) rows.get(k)[2];
                }
                Map<String, FeatureMatrix> feats = d.modalities();
                Dataset cut = DatasetLoader.fromArrays("syn", d.nUsers(), d.nItems(), us, is, ls, feats);
                SyntheticGenerator.write(cut, dir, "syn");
                StringBuilder u = new StringBuilder("user_id\tuserID\n");
                for (int k = 0; k < d.nUsers(); k++) {
                    u.append(userId(k)).append('\t').append(k).append('\n');
                }
                Files.writeString(dir.resolve("u_id_mapping.csv"), u);
                StringBuilder i = new StringBuilder("itemID,asin\n");
                for (int k = 0; k < d.nItems(); k++) {
                    i.append(k).append(',').append(itemId(k)).append('\n');
                }
                Files.writeString(dir.resolve("i_id_mapping.csv"), i);
                dataDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataDir;
    }

    /** The trained run directory (30 epochs of BM3, seed 3, 2 threads). */
    public static synchronized Path run() {
        if (runDir == null) {
            try {
                Path out = Files.createTempDirectory("bm3-api-run").resolve("run");
                TrainingResult r = Bm3.trainer().data(dataDir()).set("epochs", 30).set("stopping_step", 30)
                        .seed(3).threads(2).out(out)
                        .listener(new ProgressListener() {
                            @Override
                            public void onEpoch(EpochProgress e) {
                                epochsSeen++;
                            }
                        }).train();
                if (!r.runDirectory().equals(out) || r.epochs() != epochsSeen) {
                    throw new AssertionError("result " + r + " after " + epochsSeen + " epochs");
                }
                runDir = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return runDir;
    }
}
