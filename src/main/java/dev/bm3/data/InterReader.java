package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads an MMRec {@code .inter} file: a header row, then one interaction per line. Fields are
 * tab-separated, or comma-separated when the header has no tab but a comma. The columns
 * {@code userID}, {@code itemID} and {@code x_label} are required, in any order; others (such as
 * {@code rating}, {@code timestamp}) are ignored. Blank lines are allowed only at the end.
 * Every problem is reported as an {@link InvalidInputException} naming the file and the 1-based
 * line (the header is line 1).
 */
public final class InterReader {
    /** Largest id accepted: {@code id + 1} must still fit an int, since it becomes a count. */
    public static final int MAX_ID = Integer.MAX_VALUE - 1;

    private static final String USER = "userID";
    private static final String ITEM = "itemID";
    private static final String LABEL = "x_label";

    private InterReader() {
    }

    public static InterTable read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file, in);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.in(file, "no such file");
        } catch (CharacterCodingException e) {
            throw InvalidInputException.in(file, "not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static InterTable read(Path file, BufferedReader in) throws IOException {
        String header = in.readLine();
        if (header == null || header.isBlank()) {
            throw InvalidInputException.at(file, 1,
                    "empty file: expected a header row with userID, itemID, x_label");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        char sep = header.indexOf('\t') < 0 && header.indexOf(',') >= 0 ? ',' : '\t';
        String[] names = header.split(sep == '\t' ? "\t" : ",", -1);
        int userCol = -1;
        int itemCol = -1;
        int labelCol = -1;
        for (int c = 0; c < names.length; c++) {
            String n = names[c].strip();
            for (int d = 0; d < c; d++) {
                if (names[d].strip().equals(n)) {
                    throw InvalidInputException.at(file, 1, "duplicate column name '" + n + "' in the header");
                }
            }
            switch (n) {
                case USER -> userCol = c;
                case ITEM -> itemCol = c;
                case LABEL -> labelCol = c;
                default -> { }
            }
        }
        requireColumn(file, userCol, USER, names);
        requireColumn(file, itemCol, ITEM, names);
        requireColumn(file, labelCol, LABEL, names);

        int nFields = names.length;
        int[] starts = new int[nFields + 1];
        int[] users = new int[1 << 16];
        int[] items = new int[1 << 16];
        byte[] labels = new byte[1 << 16];
        int rows = 0;
        int maxUser = -1;
        int maxItem = -1;
        long lineNo = 1;
        long firstBlank = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                if (firstBlank == 0) {
                    firstBlank = lineNo;
                }
                continue;
            }
            if (firstBlank != 0) {
                throw InvalidInputException.at(file, firstBlank, "blank line before the last data row");
            }
            int found = splitFields(line, sep, starts, nFields);
            if (found != nFields) {
                throw InvalidInputException.at(file, lineNo, "expected " + nFields + " fields (as in the header), got " + found);
            }
            if (rows == users.length) {
                int grown = rows * 2;
                users = Arrays.copyOf(users, grown);
                items = Arrays.copyOf(items, grown);
                labels = Arrays.copyOf(labels, grown);
            }
            int u = parseId(file, lineNo, line, starts, userCol, USER);
            int i = parseId(file, lineNo, line, starts, itemCol, ITEM);
            int label = parseId(file, lineNo, line, starts, labelCol, LABEL);
            if (label > 2) {
                throw InvalidInputException.at(file, lineNo, "x_label must be 0 (train), 1 (valid) or 2 (test), got " + label);
            }
            users[rows] = u;
            items[rows] = i;
            labels[rows] = (byte) label;
            rows++;
            maxUser = Math.max(maxUser, u);
            maxItem = Math.max(maxItem, i);
        }
        if (rows == 0) {
            throw InvalidInputException.at(file, lineNo, "no interaction rows after the header");
        }
        return new InterTable(file, Arrays.copyOf(users, rows), Arrays.copyOf(items, rows),
                Arrays.copyOf(labels, rows), maxUser + 1, maxItem + 1);
    }

    private static void requireColumn(Path file, int col, String name, String[] names) {
        if (col < 0) {
            throw InvalidInputException.at(file, 1, "missing required column '" + name
                    + "' (need userID, itemID, x_label; header has " + Arrays.toString(names) + ")");
        }
    }

    /**
     * Records field boundaries: field f spans {@code [starts[f], starts[f+1] - 1)}. Returns the
     * number of fields seen, counting past {@code max} only to report the count.
     */
    private static int splitFields(String line, char sep, int[] starts, int max) {
        int count = 1;
        starts[0] = 0;
        for (int k = 0, n = line.length(); k < n; k++) {
            if (line.charAt(k) == sep) {
                if (count < max) {
                    starts[count] = k + 1;
                }
                count++;
            }
        }
        if (count == max) {
            starts[max] = line.length() + 1;
        }
        return count;
    }

    private static int parseId(Path file, long lineNo, String line, int[] starts, int col, String name) {
        int from = starts[col];
        int to = starts[col + 1] - 1;
        while (from < to && line.charAt(from) == ' ') {
            from++;
        }
        while (to > from && (line.charAt(to - 1) == ' ' || line.charAt(to - 1) == '\r')) {
            to--;
        }
        if (from == to) {
            throw InvalidInputException.at(file, lineNo, name + " is empty, expected a non-negative integer");
        }
        if (line.charAt(from) == '-' && to - from > 1 && allDigits(line, from + 1, to)) {
            throw InvalidInputException.at(file, lineNo, name + " must be non-negative, got " + line.substring(from, to));
        }
        if (!allDigits(line, from, to)) {
            throw InvalidInputException.at(file, lineNo, name + " must be a non-negative integer, got '" + line.substring(from, to) + "'");
        }
        long value = 0;
        for (int k = from; k < to; k++) {
            value = value * 10 + (line.charAt(k) - '0');
            if (value > MAX_ID) {
                throw InvalidInputException.at(file, lineNo, name + " " + line.substring(from, to)
                        + " is too large (at most " + MAX_ID + ")");
            }
        }
        return (int) value;
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
