package dev.bm3.cli;

import dev.bm3.api.ApiFixture;
import dev.bm3.api.Recommender;
import dev.bm3.api.RecommenderOptions;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.NpyReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {
    private static int run(StringWriter err, String... args) {
        return Bm3Command.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void exportWritesNpyWhoseRowsReproduceTheScores(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("export");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "export", "--run", ApiFixture.run().toString(), "--out", out.toString()), err.toString());
        FeatureMatrix users = NpyReader.readFeatures(out.resolve("user_embeddings.npy"), "users");
        FeatureMatrix items = NpyReader.readFeatures(out.resolve("item_embeddings.npy"), "items");
        assertEquals(800, users.rows());
        assertEquals(500, items.rows());
        assertEquals(64, users.cols());
        assertEquals(64, items.cols());
        List<String> uids = Files.readAllLines(out.resolve("user_ids.tsv"));
        List<String> iids = Files.readAllLines(out.resolve("item_ids.tsv"));
        assertEquals("index\tid", uids.get(0));
        assertEquals("17\t" + ApiFixture.userId(17), uids.get(18));
        assertEquals("499\t" + ApiFixture.itemId(499), iids.get(500));
        String json = Files.readString(out.resolve("export.json"));
        assertTrue(json.contains("\"dim\": 64") && json.contains("\"model\": \"bm3\""), json);
        try (Recommender rec = Recommender.open(ApiFixture.run(), RecommenderOptions.threads(1))) {
            for (int u : new int[] {0, 311, 799}) {
                for (int i : new int[] {0, 7, 499}) {
                    float dot = 0f;
                    for (int c = 0; c < 64; c++) {
                        dot += users.get(u, c) * items.get(i, c);
                    }
                    assertEquals(rec.score(u, new int[] {i})[0], dot, "user " + u + " item " + i);
                }
            }
        }
    }

    @Test
    void rejectsANonEmptyOutputDirectory(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "x");
        StringWriter err = new StringWriter();
        assertEquals(Bm3Command.BAD_INPUT, run(err, "export", "--run", ApiFixture.run().toString(), "--out", tmp.toString()));
        assertTrue(err.toString().contains("directory exists and is not empty"), err.toString());
        assertTrue(Files.exists(tmp.resolve("keep.txt")));
    }

    @Test
    void rejectsADirectoryThatIsNotARun(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        assertEquals(Bm3Command.BAD_INPUT, run(err, "export", "--run", tmp.toString(), "--out", tmp.resolve("o").toString()));
        assertTrue(err.toString().contains("not a run directory"), err.toString());
    }
}
