package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * External (string) ids of users or items: index {@code k} of the {@code .inter} file to the id the
 * outside world knows. Immutable and thread-safe.
 *
 * <p><b>File format</b> (MMRec's {@code u_id_mapping.csv} / {@code i_id_mapping.csv}, which its
 * preprocessing writes with pandas): UTF-8 text; a header line, then one line per id; exactly two
 * columns, separated by a tab when the header holds a tab, else by a comma. One column is the
 * 0-based index and is named as in the {@code .inter} file ({@code userID} for users,
 * {@code itemID} for items); the other holds the external id (any name, e.g. {@code user_id} or
 * {@code asin}). Every index in {@code [0, n)} appears exactly once, and external ids are
 * non-empty and distinct. Blank lines are ignored.
 */
public final class IdMap {
    /** The user map's file name in a dataset directory and in a run directory. */
    public static final String USERS_FILE = "u_id_mapping.csv";
    /** The item map's file name in a dataset directory and in a run directory. */
    public static final String ITEMS_FILE = "i_id_mapping.csv";
    /** The index column of the user map. */
    public static final String USER_COLUMN = "userID";
    /** The index column of the item map. */
    public static final String ITEM_COLUMN = "itemID";

    private final String[] ids;
    private final Map<String, Integer> index;

    private IdMap(String[] ids) {
        this.ids = ids;
        this.index = new HashMap<>(ids.length * 2);
        for (int k = 0; k < ids.length; k++) {
            index.put(ids[k], k);
        }
    }

    /**
     * Reads a map for {@code n} indices.
     *
     * @param indexColumn {@link #USER_COLUMN} or {@link #ITEM_COLUMN}
     * @throws InvalidInputException naming the file and line for any violation of the format
     */
    public static IdMap read(Path file, String indexColumn, int n) {
        String[] ids = new String[n];
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw InvalidInputException.in(file, "empty file; expected a header with columns '" + indexColumn
                        + "' and an external id");
            }
            header = header.replace("\uFEFF", "");
            String sep = header.contains("\t") ? "\t" : ",";
            String[] cols = header.split(sep, -1);
            if (cols.length != 2) {
                throw InvalidInputException.at(file, 1, "expected 2 columns ('" + indexColumn
                        + "' and an external id), got " + cols.length + ": " + header);
            }
            int idxCol = cols[0].trim().equals(indexColumn) ? 0 : cols[1].trim().equals(indexColumn) ? 1 : -1;
            if (idxCol < 0) {
                throw InvalidInputException.at(file, 1, "no column '" + indexColumn + "' in header: " + header);
            }
            long line = 1;
            int seen = 0;
            Map<String, Integer> first = new HashMap<>();
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                String[] f = s.split(sep, -1);
                if (f.length != 2) {
                    throw InvalidInputException.at(file, line, "expected 2 fields, got " + f.length);
                }
                String ext = f[1 - idxCol].trim();
                String idx = f[idxCol].trim();
                int k;
                try {
                    k = Integer.parseInt(idx);
                } catch (NumberFormatException e) {
                    throw InvalidInputException.at(file, line, indexColumn + " '" + idx + "' is not an integer");
                }
                if (k < 0 || k >= n) {
                    throw InvalidInputException.at(file, line, indexColumn + " " + k + " outside [0, " + n + ")");
                }
                if (ext.isEmpty()) {
                    throw InvalidInputException.at(file, line, "empty external id");
                }
                if (ids[k] != null) {
                    throw InvalidInputException.at(file, line, indexColumn + " " + k + " appears twice");
                }
                Integer before = first.putIfAbsent(ext, k);
                if (before != null) {
                    throw InvalidInputException.at(file, line, "external id '" + ext + "' maps to both "
                            + before + " and " + k);
                }
                ids[k] = ext;
                seen++;
            }
            if (seen != n) {
                int missing = Arrays.asList(ids).indexOf(null);
                throw InvalidInputException.in(file, "has " + seen + " ids, expected " + n + " (" + indexColumn + " "
                        + missing + " has none)");
            }
        } catch (IOException e) {
            throw InvalidInputException.in(file, "cannot read: " + e.getMessage());
        }
        return new IdMap(ids);
    }

    /** A map from ids (copied; must be non-empty and distinct). */
    public static IdMap of(String... ids) {
        IdMap m = new IdMap(ids.clone());
        if (m.index.size() != ids.length) {
            throw new IllegalArgumentException("ids are not distinct");
        }
        return m;
    }

    public int size() {
        return ids.length;
    }

    /** The external id of {@code index}. */
    public String id(int index) {
        return ids[index];
    }

    /** The index of an external id, or -1 when it is unknown. */
    public int index(String id) {
        Integer k = index.get(id);
        return k == null ? -1 : k;
    }

    /** Writes the map in this class's format with the given index column (atomically). */
    public void write(Path file, String indexColumn, String idColumn) {
        try {
            AtomicFiles.write(file, raw -> {
                Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(raw, StandardCharsets.UTF_8));
                out.write(idColumn + "\t" + indexColumn + "\n");
                for (int k = 0; k < ids.length; k++) {
                    out.write(ids[k] + "\t" + k + "\n");
                }
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
