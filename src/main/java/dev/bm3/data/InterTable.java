package dev.bm3.data;

import java.nio.file.Path;

/**
 * The raw rows of an MMRec {@code .inter} file, in file order, before cold-start users are dropped.
 * {@code nUsers} and {@code nItems} are {@code max(id) + 1} over all rows, as in the reference.
 *
 * @param source the file the rows came from (for messages)
 * @param labels {@code x_label} per row: 0 = train, 1 = validation, 2 = test
 */
public record InterTable(Path source, int[] users, int[] items, byte[] labels, int nUsers, int nItems) {
    public InterTable {
        if (users.length != items.length || users.length != labels.length) {
            throw new IllegalArgumentException("column lengths differ: " + users.length + ", "
                    + items.length + ", " + labels.length);
        }
    }

    public int rows() {
        return users.length;
    }
}
