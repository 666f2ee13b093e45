package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a {@link Dataset} from a directory in the MMRec layout, or from in-memory arrays.
 *
 * <p>Directory convention: {@code DIR/NAME.inter} (when no name is given, the single
 * {@code *.inter} in DIR) plus every {@code DIR/<m>_feat.npy} as modality {@code m}, in name order;
 * in MMRec data these are {@code image_feat.npy} and {@code text_feat.npy}, which become the
 * modalities {@code image} and {@code text}. When modalities are named explicitly
 * ({@code name=path}), ONLY those are used, in the given order: mixing both would make the set of
 * modalities depend on which stray files sit in the directory.
 *
 * <p>Validation and test rows of users without a training row are dropped, as the reference does.
 * Every feature matrix must have exactly {@code n_items} rows.
 */
public final class DatasetLoader {
    private static final Pattern MODALITY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final String FEAT_SUFFIX = "_feat.npy";

    private DatasetLoader() {
    }

    /** Loads {@code DIR} by convention: the single {@code *.inter} plus every {@code <m>_feat.npy}. */
    public static Dataset load(Path dir) {
        return load(dir, null, Map.of());
    }

    /**
     * Loads a dataset.
     *
     * @param dir        the dataset directory
     * @param name       the interaction file's stem ({@code NAME.inter}), or null for the single one in DIR
     * @param modalities explicit modalities (name to path; relative paths resolve against DIR); when
     *                   non-empty they replace the {@code <m>_feat.npy} convention entirely
     */
    public static Dataset load(Path dir, String name, Map<String, Path> modalities) {
        if (!Files.isDirectory(dir)) {
            throw InvalidInputException.in(dir, "not a directory");
        }
        Path interFile = interFile(dir, name);
        String stem = interFile.getFileName().toString();
        stem = stem.substring(0, stem.length() - ".inter".length());
        InterTable table = InterReader.read(interFile);
        Map<String, Path> files = modalities.isEmpty() ? conventionModalities(dir) : new LinkedHashMap<>(modalities);
        requireDenseIds(interFile, table.users(), "userID");
        if (files.isEmpty()) {
            // with features, n_items is checked against their row count instead
            requireDenseIds(interFile, table.items(), "itemID");
        }

        Map<String, FeatureMatrix> features = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            checkModalityName(e.getKey());
            Path file = dir.resolve(e.getValue());
            if (!Files.isRegularFile(file)) {
                throw InvalidInputException.in(file, "no such file (modality '" + e.getKey() + "')");
            }
            FeatureMatrix m = NpyReader.readFeatures(file, e.getKey());
            if (m.rows() != table.nItems()) {
                throw InvalidInputException.in(file, "modality '" + e.getKey() + "' has shape (" + m.rows() + ", "
                        + m.cols() + "), expected " + table.nItems() + " rows (n_items = max itemID + 1 in "
                        + interFile.getFileName() + ")");
            }
            features.put(e.getKey(), m);
        }
        Dataset dataset = fromTable(stem, table, features);
        requireSplits(interFile, table, dataset);
        return dataset;
    }

    /**
     * Ids become row indices of embedding tables, so {@code max(id) + 1} must be justified by the
     * ids actually present: a single {@code userID 2147483000} in a 10-row file would otherwise
     * make the loader and the model allocate for two billion users. Allowed: at most
     * {@code 2 x distinct + 1024} (MMRec data is remapped to dense 0-based ids).
     */
    static void requireDenseIds(Path file, int[] ids, String column) {
        int max = -1;
        int maxRow = -1;
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] > max) {
                max = ids[k];
                maxRow = k;
            }
        }
        if (max < 1024) {
            return;
        }
        int[] sorted = ids.clone();
        java.util.Arrays.sort(sorted);
        long distinct = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (k == 0 || sorted[k] != sorted[k - 1]) {
                distinct++;
            }
        }
        long range = (long) max + 1;
        if (range > 2 * distinct + 1024) {
            // the header is line 1 and blank lines may only trail, so row k sits on line k + 2
            throw InvalidInputException.at(file, maxRow + 2L, column + " " + max + " implies " + range + " ids (max "
                    + column + " + 1), but only " + distinct + " distinct " + column + "s appear; ids must be dense and "
                    + "0-based (at most 2 x distinct + 1024), remap them first");
        }
    }

    /**
     * Training, validation and test must each keep a row after the cold-start drop: training needs
     * positives, early stopping the validation metric and the report the test metric. Rejected here
     * (naming the file) rather than deep in the evaluator.
     */
    private static void requireSplits(Path file, InterTable table, Dataset dataset) {
        int[] raw = new int[3];
        for (byte label : table.labels()) {
            raw[label]++;
        }
        String[] names = {"training", "validation", "test"};
        for (SplitName which : SplitName.values()) {
            if (dataset.split(which).size() > 0) {
                continue;
            }
            int code = which.code;
            String what = names[code] + " rows (x_label " + code + ")";
            String why = raw[code] == 0
                    ? "the file has none"
                    : "after dropping cold-start users: " + raw[code] + " rows of users without a training row were dropped";
            throw InvalidInputException.in(file, "no " + what + ": " + why
                    + "; training and evaluation need training, validation and test rows");
        }
    }

    /**
     * Parses command-line modality specs {@code name=path} (e.g. {@code audio=whisper.npy}),
     * keeping their order. Names must be unique.
     */
    public static Map<String, Path> parseModalities(List<String> specs) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new InvalidInputException("modality '" + spec + "': expected name=path, e.g. text=text_feat.npy");
            }
            String name = spec.substring(0, eq).strip();
            checkModalityName(name);
            if (out.put(name, Path.of(spec.substring(eq + 1).strip())) != null) {
                throw new InvalidInputException("modality '" + name + "' is given twice");
            }
        }
        return out;
    }

    /** Builds a dataset from a parsed {@code .inter} table and features (rows must equal n_items). */
    public static Dataset fromTable(String name, InterTable table, Map<String, FeatureMatrix> modalities) {
        return fromArrays(name, table.nUsers(), table.nItems(), table.users(), table.items(), table.labels(), modalities);
    }

    /**
     * Builds a dataset from rows given as parallel arrays (labels 0/1/2 = train/valid/test), in the
     * order the splits should keep. Drops validation/test rows of cold-start users and computes the
     * checksum. Ids out of range are programming errors ({@link IllegalArgumentException}).
     */
    public static Dataset fromArrays(String name, int nUsers, int nItems, int[] users, int[] items, byte[] labels,
                                     Map<String, FeatureMatrix> modalities) {
        int n = users.length;
        if (items.length != n || labels.length != n) {
            throw new IllegalArgumentException("column lengths differ: " + n + ", " + items.length + ", " + labels.length);
        }
        boolean[] hasTrain = new boolean[nUsers];
        int[] counts = new int[3];
        for (int k = 0; k < n; k++) {
            if (users[k] < 0 || users[k] >= nUsers || items[k] < 0 || items[k] >= nItems) {
                throw new IllegalArgumentException("row " + k + ": (" + users[k] + ", " + items[k]
                        + ") outside " + nUsers + " users x " + nItems + " items");
            }
            if (labels[k] < 0 || labels[k] > 2) {
                throw new IllegalArgumentException("row " + k + ": label " + labels[k] + " not in {0, 1, 2}");
            }
            if (labels[k] == 0) {
                hasTrain[users[k]] = true;
            }
        }
        for (int k = 0; k < n; k++) {
            if (labels[k] == 0 || hasTrain[users[k]]) {
                counts[labels[k]]++;
            }
        }
        int[][] splitUsers = {new int[counts[0]], new int[counts[1]], new int[counts[2]]};
        int[][] splitItems = {new int[counts[0]], new int[counts[1]], new int[counts[2]]};
        int[] fill = new int[3];
        for (int k = 0; k < n; k++) {
            int s = labels[k];
            if (s == 0 || hasTrain[users[k]]) {
                splitUsers[s][fill[s]] = users[k];
                splitItems[s][fill[s]++] = items[k];
            }
        }
        Split train = new Split(splitUsers[0], splitItems[0]);
        Split valid = new Split(splitUsers[1], splitItems[1]);
        Split test = new Split(splitUsers[2], splitItems[2]);
        int dropped = n - counts[0] - counts[1] - counts[2];
        return new Dataset(name, nUsers, nItems, train, valid, test, modalities,
                checksum(nUsers, nItems, List.of(train, valid, test), modalities), dropped);
    }

    /**
     * SHA-256 (hex) over the sizes, the split arrays and the features (by modality name, so the
     * declaration order does not matter), in little-endian binary: stable across runs and machines.
     */
    static String checksum(int nUsers, int nItems, List<Split> splits, Map<String, FeatureMatrix> modalities) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        sha.update("bm3-dataset-v1".getBytes(StandardCharsets.UTF_8));
        digestInts(sha, buf, new int[] {nUsers, nItems});
        for (Split s : splits) {
            digestInts(sha, buf, new int[] {s.size()});
            digestInts(sha, buf, s.users());
            digestInts(sha, buf, s.items());
        }
        for (FeatureMatrix m : new TreeMap<>(modalities).values()) {
            byte[] nameBytes = m.name().getBytes(StandardCharsets.UTF_8);
            digestInts(sha, buf, new int[] {nameBytes.length, m.rows(), m.cols()});
            sha.update(nameBytes);
            float[] data = m.data();
            int step = buf.capacity() / 4;
            for (int at = 0; at < data.length; at += step) {
                int len = Math.min(step, data.length - at);
                buf.clear();
                buf.asFloatBuffer().put(data, at, len);
                sha.update(buf.array(), 0, 4 * len);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void digestInts(MessageDigest sha, ByteBuffer buf, int[] values) {
        int step = buf.capacity() / 4;
        for (int at = 0; at < values.length; at += step) {
            int len = Math.min(step, values.length - at);
            buf.clear();
            buf.asIntBuffer().put(values, at, len);
            sha.update(buf.array(), 0, 4 * len);
        }
    }

    private static Path interFile(Path dir, String name) {
        if (name != null) {
            Path file = dir.resolve(name + ".inter");
            if (!Files.isRegularFile(file)) {
                throw InvalidInputException.in(file, "no such file (dataset '" + name + "')");
            }
            return file;
        }
        List<Path> found = list(dir, "*.inter");
        if (found.size() != 1) {
            throw InvalidInputException.in(dir, found.isEmpty()
                    ? "no *.inter file in the directory"
                    : "several *.inter files " + found.stream().map(p -> p.getFileName().toString()).toList()
                    + "; name the dataset");
        }
        return found.get(0);
    }

    private static Map<String, Path> conventionModalities(Path dir) {
        Map<String, Path> out = new TreeMap<>();
        for (Path p : list(dir, "*" + FEAT_SUFFIX)) {
            String file = p.getFileName().toString();
            out.put(file.substring(0, file.length() - FEAT_SUFFIX.length()), p);
        }
        return new LinkedHashMap<>(out);
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
        out.sort(null);
        return out;
    }

    private static void checkModalityName(String name) {
        if (!MODALITY_NAME.matcher(name).matches()) {
            throw new InvalidInputException("modality name '" + name
                    + "': use letters, digits, '_', '-' or '.', starting with a letter or digit");
        }
    }
}
