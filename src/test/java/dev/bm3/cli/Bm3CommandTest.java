package dev.bm3.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.NpyWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The {@code bm3} command end to end: outputs, run directories, exit codes and error messages. */
class Bm3CommandTest {
    @TempDir
    static Path shared;
    static Path data;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Bm3Command.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void generate() {
        data = shared.resolve("small");
        Result r = run("generate", "--out", data.toString(), "--name", "small", "--users", "200", "--items", "150",
                "--interactions", "3000", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(data.resolve("small.inter")) && Files.exists(data.resolve("image_feat.npy"))
                && Files.exists(data.resolve("text_feat.npy")));
    }

    @Test
    void infoPrintsStatistics() {
        Result r = run("info", "--data", data.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("200 users") && r.out().contains("150 items"), r.out());
        assertTrue(r.out().contains("image") && r.out().contains("text"), r.out());
    }

    @Test
    void infoOnLastFmMatchesTheReferenceStatistics() {
        Path lfm = Path.of("../shared/datasets/lastfm2k_mm");
        assumeTrue(Files.isDirectory(lfm), "shared data absent at " + lfm.toAbsolutePath() + "; skipping");
        Result r = run("info", "--data", lfm.toString(), "--dataset", "lfm2k", "--modality", "text=all-MiniLM-L6-v2.npy",
                "--modality", "audio=whisper.npy");
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("1,858 users", "1,425 items", "44,327", "4,799", "7,219", "384", "512")) {
            assertTrue(r.out().contains(s), "missing '" + s + "' in\n" + r.out());
        }
    }

    @Test
    void popularityRunWritesACompleteRunDirectory() throws IOException {
        Path out = shared.resolve("pop-run");
        Result r = run("train", "--data", data.toString(), "--model", "pop", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("config.yaml", "manifest.json", "epochs.csv", "metrics.json", "training-curve.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(1, metrics.get("best_epoch").asInt());
        assertTrue(metrics.get("test").get("recall@20").asDouble() > 0);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(64, manifest.get("dataset_checksum").asText().length());
        assertEquals(999, manifest.get("seed").asInt());
        assertTrue(manifest.has("versions") && manifest.has("machine"));
        // an existing run is never overwritten
        Result again = run("train", "--data", data.toString(), "--model", "pop", "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("not empty"), again.err());
    }

    @Test
    void bm3RunThenRecommendAndEvaluate() throws IOException {
        Path out = shared.resolve("bm3-run");
        Result r = run("train", "--data", data.toString(), "--set", "epochs=3", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("model.pt")));
        assertEquals(4, Files.readAllLines(out.resolve("epochs.csv")).size(), "header + 3 epochs");

        Result rec = run("recommend", "--run", out.toString(), "--user", "5", "--k", "7");
        assertEquals(0, rec.code(), rec.err());
        String[] lines = rec.out().strip().split("\n");
        assertEquals(7, lines.length, rec.out());
        Dataset d = DatasetLoader.load(data);
        Set<Integer> train = new HashSet<>();
        Arrays.stream(d.trainByUser().of(5)).forEach(train::add);
        double previous = Double.POSITIVE_INFINITY;
        for (String line : lines) {
            String[] f = line.split("\t");
            int item = Integer.parseInt(f[0]);
            double score = Double.parseDouble(f[1]);
            assertFalse(train.contains(item), "recommended training item " + item);
            assertTrue(score <= previous, "scores must be descending");
            previous = score;
        }

        Result ev = run("evaluate", "--run", out.toString(), "--split", "test");
        assertEquals(0, ev.code(), ev.err());
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        String expected = String.format(Locale.ROOT, "recall@20=%.4f", metrics.get("test").get("recall@20").asDouble());
        assertTrue(ev.out().contains(expected), "evaluate should reproduce " + expected + ": " + ev.out());

        Result badUser = run("recommend", "--run", out.toString(), "--user", "200");
        assertEquals(2, badUser.code());
        assertTrue(badUser.err().contains("--user 200"), badUser.err());
    }

    @Test
    void gridPicksTheWinnerByValidation() throws IOException {
        Path out = shared.resolve("grid-run");
        Result r = run("train", "--data", data.toString(), "--set", "n_layers=[0,1]", "--set", "epochs=2",
                "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        JsonNode grid = m.get("grid");
        assertEquals(2, grid.size());
        double v0 = grid.get(0).get("valid").get("recall@20").asDouble();
        double v1 = grid.get(1).get("valid").get("recall@20").asDouble();
        assertEquals(Math.max(v0, v1), m.get("valid").get("recall@20").asDouble(), 0.0);
        assertTrue(m.has("winner_by_test"));
        assertTrue(Files.isRegularFile(out.resolve("model.pt")));
        assertTrue(Files.isDirectory(out.resolve("grid")));
    }

    @Test
    void rejectsBadConfigWithoutCreatingTheRunDirectory() {
        Path out = shared.resolve("never");
        for (String[] args : List.of(
                new String[] {"--set", "dropout=1.5"},
                new String[] {"--set", "n_layer=2"},
                new String[] {"--threads", "0"},
                new String[] {"--device", "cuda:0"},
                new String[] {"--device", "tpu"},
                new String[] {"--grid", "huge"},
                new String[] {"--modality", "audio=missing.npy"})) {
            String[] full = concat(new String[] {"train", "--data", data.toString(), "--out", out.toString()}, args);
            Result r = run(full);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("bm3: "), r.err());
            assertFalse(Files.exists(out), "run directory created for " + String.join(" ", args));
        }
        Result unknown = run("frobnicate");
        assertEquals(2, unknown.code());
    }

    @Test
    void rejectsMalformedDataWithFileAndLine(@TempDir Path dir) throws IOException {
        String header = "userID\titemID\tx_label\n";
        String good = "0\t0\t0\n0\t1\t0\n0\t2\t1\n1\t1\t0\n1\t2\t0\n1\t0\t2\n";
        check(dir, "nonint", header + "0\t0\t0\nx\t1\t0\n", null, "nonint.inter:3");
        check(dir, "nolabel", "userID\titemID\n0\t0\n", null, "x_label");
        check(dir, "label3", header + "0\t0\t0\n0\t1\t3\n", null, "label3.inter:3");
        check(dir, "rows", header + good, new FeatureMatrix("image", 2, 2, new float[] {1, 2, 3, 4}), "3");
        check(dir, "nan", header + good, new FeatureMatrix("image", 3, 2, new float[] {1, 2, Float.NaN, 4, 5, 6}), "NaN");
        // a truncated .npy
        Path trunc = dir.resolve("trunc");
        Files.createDirectories(trunc);
        Files.writeString(trunc.resolve("trunc.inter"), header + good);
        NpyWriter.write(trunc.resolve("image_feat.npy"), new FeatureMatrix("image", 3, 2, new float[] {1, 2, 3, 4, 5, 6}));
        byte[] bytes = Files.readAllBytes(trunc.resolve("image_feat.npy"));
        Files.write(trunc.resolve("image_feat.npy"), Arrays.copyOf(bytes, bytes.length - 5));
        Result r = run("info", "--data", trunc.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("image_feat.npy"), r.err());
    }

    private static void check(Path dir, String name, String inter, FeatureMatrix feats, String expected) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve(name + ".inter"), inter);
        if (feats != null) {
            NpyWriter.write(d.resolve("image_feat.npy"), feats);
        }
        Result r = run("train", "--data", d.toString(), "--out", dir.resolve(name + "-run").toString());
        assertEquals(2, r.code(), name + ": " + r.err() + r.out());
        assertTrue(r.err().contains(expected), name + ": expected '" + expected + "' in: " + r.err());
        assertTrue(r.err().contains(feats == null ? name + ".inter" : "image_feat.npy"), name + ": " + r.err());
        assertFalse(Files.exists(dir.resolve(name + "-run")), name + ": run directory created");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
