package dev.bm3.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.data.NpyWriter;
import dev.bm3.data.ReaderSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue of malformed inputs (issue 6): for each one, the real {@code bm3} command exits
 * with code 2, prints exactly one line {@code bm3: ...} on stderr that names the file and line,
 * key or shape and what was expected, and creates no run directory. Covers every reader: the
 * {@code .inter} file, the {@code .npy} features, the dataset directory, the YAML config,
 * {@code --set}, and a finished run's checkpoint, manifest and config.
 */
class MalformedInputCatalogueTest {
    /** A tiny BM3 run (one epoch) that the checkpoint cases copy and then damage. */
    @TempDir
    static Path shared;
    static Path trainedRun;

    static final String HEADER = "userID\titemID\tx_label\n";
    /** 3 users x 4 items; every user has train, validation and test rows. */
    static final String GOOD = HEADER + "0\t0\t0\n0\t1\t0\n0\t2\t1\n0\t3\t2\n1\t1\t0\n1\t2\t0\n1\t3\t1\n1\t0\t2\n"
            + "2\t2\t0\n2\t3\t0\n2\t0\t1\n2\t1\t2\n";

    @BeforeAll
    static void trainTinyRun() {
        Path gen = shared.resolve("gen");
        Result g = run("generate", "--out", gen.toString(), "--name", "tiny", "--users", "60", "--items", "40",
                "--interactions", "600", "--seed", "5");
        assertEquals(0, g.code(), g.err());
        trainedRun = shared.resolve("run");
        Result t = run("train", "--data", gen.toString(), "--set", "epochs=1", "--threads", "1", "--out",
                trainedRun.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.isRegularFile(trainedRun.resolve("model.pt")));
    }

    /** Writes the case's files under {@code dir} and returns the command line to run. */
    interface Setup {
        String[] apply(Path dir) throws IOException;
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Bm3Command.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void rejectsWithExitCodeTwoAndAOneLineMessage(String name, Setup setup, List<String> expected, @TempDir Path dir)
            throws IOException {
        String[] args = setup.apply(dir);
        Result r = run(args);
        String err = r.err().strip();
        assertEquals(2, r.code(), name + ": exit code; stderr: " + r.err() + "\nstdout: " + r.out());
        assertTrue(err.startsWith("bm3: "), name + ": " + err);
        assertFalse(err.contains("\n"), name + ": expected one line, got:\n" + err);
        for (String s : expected) {
            assertTrue(err.contains(s), name + ": expected '" + s + "' in: " + err);
        }
        assertFalse(Files.exists(dir.resolve("run")), name + ": a run directory was created");
    }

    static Stream<Arguments> catalogue() {
        List<Arguments> c = new ArrayList<>();
        // ---- .inter: types, columns, header, ids, labels, layout ----
        c.add(inter("inter: non-integer userID", GOOD + "x\t1\t0\n", "d.inter:14:", "userID must be a non-negative integer, got 'x'"));
        c.add(inter("inter: decimal itemID", HEADER + "0\t2.5\t0\n", "d.inter:2:", "itemID must be a non-negative integer, got '2.5'"));
        c.add(inter("inter: missing column", "userID\titemID\trating\n0\t0\t5\n", "d.inter:1:", "missing required column 'x_label'"));
        c.add(inter("inter: duplicate header name", "userID\titemID\tx_label\titemID\n0\t0\t0\t0\n", "d.inter:1:",
                "duplicate column name 'itemID'"));
        c.add(inter("inter: row with too few fields", GOOD + "0\t1\n", "d.inter:14:", "expected 3 fields (as in the header), got 2"));
        c.add(inter("inter: negative id", GOOD + "-1\t0\t0\n", "d.inter:14:", "userID must be non-negative, got -1"));
        c.add(inter("inter: x_label out of range", GOOD + "0\t1\t3\n", "d.inter:14:",
                "x_label must be 0 (train), 1 (valid) or 2 (test), got 3"));
        c.add(inter("inter: id beyond 32 bits", GOOD + "0\t99999999999\t0\n", "d.inter:14:", "itemID 99999999999 is too large"));
        c.add(inter("inter: huge sparse userID", GOOD + "2147483000\t0\t0\n", "d.inter:14:", "userID 2147483000",
                "dense"));
        c.add(inter("inter: empty file", "", "d.inter:1:", "empty file: expected a header row"));
        c.add(inter("inter: header only", HEADER, "d.inter:1:", "no interaction rows after the header"));
        c.add(inter("inter: blank line inside", HEADER + "0\t0\t0\n\n1\t1\t0\n", "d.inter:3:", "blank line before the last data row"));
        c.add(case_("inter: not UTF-8", dir -> {
            Path d = dataset(dir, GOOD);
            byte[] bytes = (HEADER + "0\t0\t0\n").getBytes(StandardCharsets.UTF_8);
            byte[] bad = Arrays.copyOf(bytes, bytes.length + 4);
            bad[bytes.length] = (byte) 0xff;
            bad[bytes.length + 1] = '\t';
            Files.write(d.resolve("d.inter"), bad);
            return train(dir);
        }, "d.inter", "not UTF-8"));
        // ---- empty splits (rejected by DatasetLoader, naming the .inter file) ----
        c.add(inter("split: no training rows", HEADER + "0\t0\t1\n0\t1\t2\n1\t2\t1\n1\t3\t2\n", "d.inter",
                "no training rows (x_label 0)"));
        c.add(inter("split: no validation rows", HEADER + "0\t0\t0\n0\t1\t2\n1\t2\t0\n1\t3\t2\n", "d.inter",
                "no validation rows (x_label 1)"));
        c.add(inter("split: no test rows after the cold-start drop",
                HEADER + "0\t0\t0\n0\t1\t1\n1\t2\t0\n1\t3\t1\n2\t0\t2\n2\t1\t2\n", "d.inter",
                "no test rows (x_label 2)", "2 rows of users without a training row were dropped"));
        // ---- the dataset directory ----
        c.add(case_("dir: no .inter file", dir -> {
            Files.delete(dataset(dir, GOOD).resolve("d.inter"));
            return train(dir);
        }, "data: no *.inter file in the directory"));
        c.add(case_("dir: two .inter files", dir -> {
            Files.writeString(dataset(dir, GOOD).resolve("e.inter"), GOOD);
            return train(dir);
        }, "several *.inter files [d.inter, e.inter]; name the dataset"));
        c.add(case_("dir: named dataset absent", dir -> {
            dataset(dir, GOOD);
            return train(dir, "--dataset", "nope");
        }, "nope.inter: no such file (dataset 'nope')"));
        // ---- .npy features ----
        c.add(features("npy: feature rows differ from n_items", 3, 2, new float[6],
                "image_feat.npy: modality 'image' has shape (3, 2), expected 4 rows"));
        c.add(features("npy: NaN feature", 4, 2, new float[] {0, 0, Float.NaN, 0, 0, 0, 0, 0},
                "image_feat.npy: non-finite value NaN at row 1, column 0"));
        c.add(features("npy: infinite feature", 4, 2, new float[] {0, 0, 0, 0, 0, 0, 0, Float.POSITIVE_INFINITY},
                "image_feat.npy: non-finite value Infinity at row 3, column 1"));
        c.add(npy("npy: truncated header", Arrays.copyOf(npyBytes(1, dict("<f4", "(4, 2)"), new byte[32]), 40),
                "image_feat.npy: truncated header: it declares 118 bytes, the file has 30"));
        c.add(npy("npy: truncated data", npyBytes(1, dict("<f4", "(4, 2)"), new byte[20]),
                "image_feat.npy: truncated data: shape (4, 2) of <f4 needs 32 bytes after the header, the file has 20"));
        c.add(npy("npy: header lies (data longer than the shape)", npyBytes(1, dict("<f4", "(4, 2)"), new byte[40]),
                "image_feat.npy: the header does not describe the file: shape (4, 2) of <f4 needs 32 bytes"));
        c.add(npy("npy: bad magic", "PK\3\4 a zip, not numpy".getBytes(StandardCharsets.ISO_8859_1),
                "image_feat.npy: not a .npy file (bad magic"));
        c.add(npy("npy: unsupported format version", npyBytes(9, dict("<f4", "(4, 2)"), new byte[32]),
                "image_feat.npy: unsupported .npy format version 9.0 (expected 1.0, 2.0 or 3.0)"));
        c.add(npy("npy: complex dtype", npyBytes(1, dict("<c8", "(4, 2)"), new byte[64]),
                "image_feat.npy: unsupported dtype '<c8'; expected <f2, <f4, <f8"));
        c.add(npy("npy: big-endian dtype", npyBytes(1, dict(">f4", "(4, 2)"), new byte[32]),
                "image_feat.npy: unsupported dtype '>f4' (big-endian data is not supported"));
        c.add(npy("npy: structured dtype", npyBytes(1,
                        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4, 2), }", new byte[32]),
                "image_feat.npy: unsupported dtype"));
        c.add(npy("npy: integer features", npyBytes(1, dict("<i4", "(4, 2)"), new byte[32]),
                "image_feat.npy: features must be floating point (<f2, <f4, <f8), got dtype <i4"));
        c.add(npy("npy: Fortran order", npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (4, 2), }",
                new byte[32]), "image_feat.npy: Fortran-order arrays are not supported"));
        c.add(npy("npy: huge declared shape in a small file", npyBytes(1, dict("<f4", "(1000000, 1000000)"), new byte[32]),
                "image_feat.npy: truncated data: shape (1000000, 1000000) of <f4 needs 4000000000000 bytes"));
        c.add(npy("npy: shape overflowing 64 bits", npyBytes(1, dict("<f8", "(4611686018427387904, 4)"), new byte[32]),
                "image_feat.npy: bad npy header at character 70: shape dimension 4611686018427387904 is too large"));
        c.add(npy("npy: empty array with a huge dimension", npyBytes(1, dict("<f4", "(0, 1000000000000)"), new byte[0]),
                "image_feat.npy: shape (0, 1000000000000) is too large for a Java array"));
        c.add(npy("npy: three dimensions", npyBytes(1, dict("<f4", "(4, 2, 1)"), new byte[32]),
                "image_feat.npy: expected a 1-D or 2-D array, got shape (4, 2, 1)"));
        c.add(npy("npy: header without shape", npyBytes(1, "{'descr': '<f4', 'fortran_order': False, }", new byte[32]),
                "image_feat.npy: npy header lacks 'shape'"));
        c.add(npy("npy: zero columns", npyBytes(1, dict("<f4", "(4, 0)"), new byte[0]),
                "image_feat.npy: feature matrix of shape (4, 0) has no columns"));
        c.add(case_("npy: named modality file absent", dir -> {
            dataset(dir, GOOD);
            return train(dir, "--modality", "audio=missing.npy");
        }, "missing.npy: no such file (modality 'audio')"));
        // ---- YAML config ----
        c.add(yaml("yaml: unknown key", "n_layer: 2\n", "cfg.yaml: unknown config key 'n_layer'; known keys: model,"));
        c.add(yaml("yaml: dropout 1.5", "dropout: 1.5\n", "cfg.yaml", "config key 'dropout': got 1.5, expected a probability in [0, 1)"));
        c.add(yaml("yaml: wrong type", "n_layers: two\n", "cfg.yaml", "config key 'n_layers': got two (String), expected an integer"));
        c.add(yaml("yaml: syntax error", "epochs: 3\ndropout: [0.3\n", "cfg.yaml:", "not valid YAML"));
        c.add(yaml("yaml: not a mapping", "- dropout\n- 0.3\n", "cfg.yaml: expected a mapping of config keys"));
        c.add(yaml("yaml: duplicate key", "epochs: 3\nepochs: 4\n", "cfg.yaml:2:", "not valid YAML", "duplicate key epochs"));
        c.add(yaml("yaml: empty grid list", "n_layers: []\n", "cfg.yaml", "config key 'n_layers' has an empty list of candidates"));
        c.add(case_("yaml: config file absent", dir -> {
            dataset(dir, GOOD);
            return train(dir, "--config", dir.resolve("absent.yaml").toString());
        }, "absent.yaml: no such file (expected a YAML config)"));
        // ---- --set ----
        c.add(set("--set: unknown key", "n_layer=2", "--set: unknown config key 'n_layer'"));
        c.add(set("--set: dropout 1.5", "dropout=1.5", "--set: config key 'dropout': got 1.5, expected a probability in [0, 1)"));
        c.add(set("--set: no '='", "dropout", "--set dropout: expected key=value"));
        c.add(set("--set: wrong type", "epochs=abc", "--set: config key 'epochs': got abc (String), expected an integer"));
        c.add(set("--set: valid_metric not in topk", "valid_metric=recall@30",
                "--set: config key 'valid_metric': got recall@30, expected a cut-off listed in topk [5, 10, 20, 50]"));
        c.add(set("--set: learning rate out of range", "learning_rate=-1",
                "config key 'learning_rate': got -1.0, expected a number in (0, 10)"));
        c.add(set("--set: malformed YAML value", "n_layers=[1,2", "--set n_layers=[1,2: value is not valid YAML at column", "expected ',' or ']'"));
        // ---- a finished run: checkpoint, manifest, config ----
        c.add(checkpoint("checkpoint: truncated model.pt", run -> {
            byte[] b = Files.readAllBytes(run.resolve("model.pt"));
            Files.write(run.resolve("model.pt"), Arrays.copyOf(b, b.length / 2));
        }, "evaluate", "model.pt: cannot read model parameters"));
        c.add(checkpoint("checkpoint: garbage model.pt", run ->
                Files.writeString(run.resolve("model.pt"), "this is not a LibTorch archive\n"),
                "recommend", "model.pt: cannot read model parameters"));
        c.add(checkpoint("checkpoint: model.pt absent", run -> Files.delete(run.resolve("model.pt")),
                "evaluate", "no model.pt (the run ended before its first epoch)"));
        c.add(checkpoint("checkpoint: manifest.json not JSON", run ->
                Files.writeString(run.resolve("manifest.json"), "{\"seed\": 999, \"dataset_checksum\": "),
                "evaluate", "manifest.json:1:", "not valid JSON"));
        c.add(checkpoint("checkpoint: dataset checksum changed", run -> {
            ObjectMapper json = new ObjectMapper();
            ObjectNode m = (ObjectNode) json.readTree(run.resolve("manifest.json").toFile());
            m.put("dataset_checksum", "0".repeat(64));
            json.writeValue(run.resolve("manifest.json").toFile(), m);
        }, "evaluate", "manifest.json: the dataset changed since training", "recorded " + "0".repeat(64)));
        c.add(checkpoint("checkpoint: config.yaml out of range", run ->
                Files.writeString(run.resolve("config.yaml"), Files.readString(run.resolve("config.yaml"))
                        .replaceFirst("dropout: [0-9.]+", "dropout: 1.5")),
                "evaluate", "config.yaml", "config key 'dropout': got 1.5"));
        c.add(checkpoint("checkpoint: not a run directory", run -> Files.delete(run.resolve("manifest.json")),
                "evaluate", "not a run directory (no manifest.json)"));
        return c.stream();
    }

    // ---- builders ----

    static Arguments case_(String name, Setup setup, String... expected) {
        return Arguments.of(name, setup, List.of(expected));
    }

    static Arguments inter(String name, String inter, String... expected) {
        return case_(name, dir -> {
            dataset(dir, GOOD);
            Files.writeString(dir.resolve("data/d.inter"), inter);
            return train(dir);
        }, expected);
    }

    static Arguments features(String name, int rows, int cols, float[] values, String... expected) {
        return case_(name, dir -> {
            Path d = dataset(dir, GOOD);
            NpyWriter.write(d.resolve("image_feat.npy"), new FeatureMatrix("image", rows, cols, values));
            return train(dir);
        }, expected);
    }

    static Arguments npy(String name, byte[] bytes, String... expected) {
        return case_(name, dir -> {
            Files.write(dataset(dir, GOOD).resolve("image_feat.npy"), bytes);
            return train(dir);
        }, expected);
    }

    static Arguments yaml(String name, String yaml, String... expected) {
        return case_(name, dir -> {
            dataset(dir, GOOD);
            Files.writeString(dir.resolve("cfg.yaml"), yaml);
            return train(dir, "--config", dir.resolve("cfg.yaml").toString());
        }, expected);
    }

    static Arguments set(String name, String set, String... expected) {
        return case_(name, dir -> {
            dataset(dir, GOOD);
            return train(dir, "--set", set);
        }, expected);
    }

    interface Damage {
        void apply(Path run) throws IOException;
    }

    static Arguments checkpoint(String name, Damage damage, String command, String... expected) {
        return case_(name, dir -> {
            Path copy = dir.resolve("trained");
            copyTree(trainedRun, copy);
            damage.apply(copy);
            return command.equals("evaluate")
                    ? new String[] {"evaluate", "--run", copy.toString(), "--threads", "1"}
                    : new String[] {"recommend", "--run", copy.toString(), "--user", "1"};
        }, expected);
    }

    /** A valid dataset in {@code dir/data}: {@code d.inter} plus 4 x 2 image features. */
    static Path dataset(Path dir, String inter) throws IOException {
        Path d = dir.resolve("data");
        Files.createDirectories(d);
        Files.writeString(d.resolve("d.inter"), inter);
        NpyWriter.write(d.resolve("image_feat.npy"), new FeatureMatrix("image", 4, 2, new float[] {1, 0, 0, 1, 1, 1, 0, 0}));
        return d;
    }

    /** {@code bm3 train} on {@code dir/data} into {@code dir/run}; pop keeps a wrongly accepted case cheap. */
    static String[] train(Path dir, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", dir.resolve("data").toString(), "--model", "pop",
                "--threads", "1", "--out", dir.resolve("run").toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    static byte[] npyBytes(int major, String dict, byte[] data) {
        return ReaderSeeds.npyBytes(major, dict, data);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
