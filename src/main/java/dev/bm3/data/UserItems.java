package dev.bm3.data;

import java.util.Arrays;

/** Per-user sorted, distinct item ids: items of user u are {@code items[offsets[u] .. offsets[u+1])}. */
public record UserItems(int[] offsets, int[] items) {
    public int nUsers() {
        return offsets.length - 1;
    }

    public int count(int user) {
        return offsets[user + 1] - offsets[user];
    }

    public int[] of(int user) {
        return Arrays.copyOfRange(items, offsets[user], offsets[user + 1]);
    }

    public boolean contains(int user, int item) {
        return Arrays.binarySearch(items, offsets[user], offsets[user + 1], item) >= 0;
    }
}
